package io.taskmesh.scheduler.run.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.AgentRefs;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunRequest;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.outbox.Outbox;
import io.taskmesh.scheduler.agent.AgentDirectory;
import io.taskmesh.scheduler.graph.GraphPlanner;
import io.taskmesh.scheduler.graph.RunLinkRepository;
import io.taskmesh.scheduler.run.ScheduledRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The scheduler's changes of a run's status, each stored and announced through the outbox in the caller's
 * transaction, and the requests that hand an attempt to the executors. A status the run cannot reach from the
 * one it is in is refused, never announced.
 */
@ApplicationScoped
public class RunTransitions {

    private static final TypeReference<List<RunRequest.Answer>> ANSWERS = new TypeReference<>() {
    };
    private static final TypeReference<List<RunRequest.Feedback>> FEEDBACK = new TypeReference<>() {
    };

    private final Outbox outbox;
    private final RunMetrics metrics;
    private final AgentDirectory agents;
    private final RunLinkRepository links;
    private final RunMemory memory;

    public RunTransitions(Outbox outbox, RunMetrics metrics, AgentDirectory agents, RunLinkRepository links,
            RunMemory memory) {
        this.outbox = outbox;
        this.metrics = metrics;
        this.agents = agents;
        this.links = links;
        this.memory = memory;
    }

    /** The links of a node of a run graph, announced with its first event. */
    public record NodeLinks(String parentRunId, List<String> dependencyRunIds, String definedIn) {
    }

    public Uni<Void> announce(ScheduledRun run, RunStatus status, JsonNode result, RunEvent.RunError error) {
        return announce(run, status, result, error, null, null);
    }

    public Uni<Void> announce(ScheduledRun run, RunStatus status, JsonNode result, RunEvent.RunError error,
            String origin) {
        return announce(run, status, result, error, origin, null);
    }

    /**
     * The run entered {@code status}. The first event of a run the scheduler created itself ({@code origin} set)
     * carries its inputs and origin; that of a node of a run graph its {@code links}.
     */
    public Uni<Void> announce(ScheduledRun run, RunStatus status, JsonNode result, RunEvent.RunError error,
            String origin, NodeLinks links) {
        return announce(run, status, result, error, origin, links, null);
    }

    /** As above, with {@code details} on the event (say, why a READY run is not queued yet). */
    public Uni<Void> announce(ScheduledRun run, RunStatus status, JsonNode result, RunEvent.RunError error,
            String origin, NodeLinks links, JsonNode details) {
        if (status != run.status && !run.status.canReach(status)) {
            throw new IllegalStateException("run " + run.id + " cannot go from " + run.status + " to " + status);
        }
        if (status.isTerminal()) {
            run.deadline = null;
            run.nextAttemptAt = null;
            run.waitingSince = null;
            metrics.finished(status);
        }
        if (result != null) {
            run.result = result.toString();
        }
        run.status = status;
        run.question = null;
        if (status != RunStatus.RUNNING) {
            run.leaseExpiresAt = null;
        }
        run.seq += 1;
        run.updatedAt = Instant.now();
        RunEvent event = new RunEvent(run.tenant, run.id.toString(), run.taskName, run.taskVersion, status, run.seq,
                run.attempt, result, error, run.updatedAt, origin == null ? null : EventJson.readTree(run.inputs), origin,
                details, links == null ? null : links.parentRunId(), links == null ? null : links.dependencyRunIds(),
                links == null ? null : links.definedIn());
        return outbox.add(Topics.RUN_EVENTS, run.id.toString(), event.type(), run.id.toString(), event).replaceWithVoid();
    }

    /**
     * The same attempt again, with every answer so far: the executor announces RUNNING and the question that
     * stopped it finds its answer. Answered once: the question is cleared until the attempt asks another.
     */
    public Uni<Void> resume(ScheduledRun run, RunRequest.Answer answer) {
        List<RunRequest.Answer> answers = new ArrayList<>(answers(run));
        answers.add(answer);
        run.answers = EventJson.write(answers);
        run.question = null;
        run.updatedAt = Instant.now();
        if (run.deadline == null) {
            // the time a person took to decide on an approval does not count against maxDurationSeconds
            run.deadline = deadline(EventJson.readTree(run.definition), run.updatedAt);
        }
        return sendRequest(run);
    }

    /** QUEUED with the next attempt number, and the attempt's request for the executors. */
    public Uni<Void> queueNextAttempt(ScheduledRun run, String origin) {
        run.attempt += 1;
        run.waitingSince = null;
        run.nextAttemptAt = null;
        run.deadline = deadline(EventJson.readTree(run.definition), Instant.now());
        run.progress = null;
        return announce(run, RunStatus.QUEUED, null, null, origin).chain(() -> sendRequest(run));
    }

    /**
     * The request for the run's current attempt, with the feedback and answers it has so far, the outputs of the
     * steps it finished before it stopped to wait for a person, what the run remembers, the results of the
     * runs a node of a graph waited for in its definition's {@code context}, and the agent its task names (or the
     * tenant's default) resolved; on the executors' topic, or on that of the pool of external workers the agent
     * names.
     */
    public Uni<Void> sendRequest(ScheduledRun run) {
        ObjectNode definition = (ObjectNode) EventJson.readTree(run.definition);
        Uni<JsonNode> resolved = AgentRefs.needsAgent(definition) ? agents.resolve(run.tenant, definition.path("agent"))
                : Uni.createFrom().item(definition.path("agent"));
        return resolved.chain(agent -> {
            if (agent != null && !agent.isMissingNode() && !agent.isNull()) {
                definition.set("agent", agent);
            }
            return withGraphContext(run, definition);
        }).chain(() -> usesMemory(definition) ? memory.of(run) : Uni.createFrom().item((JsonNode) null)).chain(remembered -> {
            List<RunRequest.Feedback> feedback = feedback(run);
            List<RunRequest.Answer> answers = read(run.answers, ANSWERS, run);
            RunRequest request = new RunRequest(run.tenant, run.id.toString(), run.taskName, run.taskVersion, run.attempt,
                    run.seq, definition, EventJson.readTree(run.inputs), run.deadline,
                    feedback.isEmpty() ? null : feedback, answers.isEmpty() ? null : answers,
                    run.progress == null ? null : EventJson.readTree(run.progress), run.sessionOrDefault(), remembered);
            String topic = Topics.runRequests(definition.path("agent").path("pool").asText(null));
            return outbox.add(topic, run.id.toString(), RunRequest.TYPE, run.id.toString(), request).replaceWithVoid();
        });
    }

    /**
     * {@code context.dependencies.<task>} and {@code context.subtasks.<task>}: the results of the runs a node
     * waited for, by their tasks' names.
     */
    private Uni<Void> withGraphContext(ScheduledRun run, ObjectNode definition) {
        if (run.rootRunId == null || run.needsNoResults) {
            return Uni.createFrom().voidItem();
        }
        return links.needsOf(run.id).invoke(needed -> {
            if (needed.isEmpty()) {
                return;
            }
            ObjectNode context = definition.path("context").isObject() ? (ObjectNode) definition.get("context")
                    : definition.putObject("context");
            for (RunLinkRepository.Needed n : needed) {
                String field = n.kind() == GraphPlanner.Kind.SUBTASK ? "subtasks" : "dependencies";
                ObjectNode results = context.path(field).isObject() ? (ObjectNode) context.get(field) : context.putObject(field);
                results.set(n.taskName(), n.result() == null ? results.nullNode() : EventJson.readTree(n.result()));
            }
        }).replaceWithVoid();
    }

    /**
     * Whether a task can read its memory (steps' expressions and templates, {@code remember}, the memory tools,
     * {@code memoryScope} all say "memory"): a request for one that cannot is sent without looking it up.
     */
    static boolean usesMemory(JsonNode definition) {
        return definition.toString().contains("memory");
    }

    static List<RunRequest.Feedback> feedback(ScheduledRun run) {
        return read(run.feedback, FEEDBACK, run);
    }

    static List<RunRequest.Answer> answers(ScheduledRun run) {
        return read(run.answers, ANSWERS, run);
    }

    private static <T> List<T> read(String json, TypeReference<List<T>> type, ScheduledRun run) {
        try {
            return EventJson.mapper().readValue(json, type);
        } catch (Exception e) {
            throw new IllegalStateException("run " + run.id + " has unreadable " + type.getType(), e);
        }
    }

    static Instant deadline(JsonNode definition, Instant from) {
        JsonNode limit = definition.path("limits").path("maxDurationSeconds");
        return limit.isIntegralNumber() ? from.plus(Duration.ofSeconds(limit.asLong())) : null;
    }
}
