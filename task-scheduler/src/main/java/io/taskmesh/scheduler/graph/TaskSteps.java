package io.taskmesh.scheduler.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunRequest;
import io.taskmesh.events.RunStatus;
import io.taskmesh.platform.schema.JsonSchemas;
import io.taskmesh.scheduler.run.ScheduledRun;
import io.taskmesh.scheduler.run.ScheduledRunRepository;
import io.taskmesh.scheduler.run.service.ConcurrencySlots;
import io.taskmesh.scheduler.run.service.RunScheduler;
import io.taskmesh.scheduler.run.service.RunTransitions;
import io.taskmesh.scheduler.trigger.KnownTask;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The {@code task} step of an executor: its run stops, RUNNING, and asks for a run of another task. That run is
 * started here as a subtask of the asking run — a node of its graph, linked to it, cancelled with it — and
 * when it ends ({@link RunGraphs#settle}) the asking attempt is requested again with the outcome as the answer
 * to the step's key. The run's id follows from the asking run and the key, so the same request starts it once.
 */
@ApplicationScoped
public class TaskSteps {

    /** Who answers a task step, in the answers its run is given. */
    static final String ANSWERED_BY = "task-scheduler";

    private final ScheduledRunRepository runs;
    private final RunLinkRepository links;
    private final RunTransitions transitions;
    private final ConcurrencySlots slots;

    public TaskSteps(ScheduledRunRepository runs, RunLinkRepository links, RunTransitions transitions,
            ConcurrencySlots slots) {
        this.runs = runs;
        this.links = links;
        this.transitions = transitions;
        this.slots = slots;
    }

    /** The run a task step with {@code key} of {@code asking} starts. */
    static UUID childId(UUID asking, String key) {
        return UUID.nameUUIDFromBytes((asking.toString() + "/" + key).getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code asking} waits, at a task step, for {@code child}. */
    static boolean waitsFor(ScheduledRun asking, UUID child) {
        return asking.status == RunStatus.RUNNING && asking.question != null
                && childId(asking.id, asking.question).equals(child);
    }

    /**
     * Starts the run {@code wanted} ({@code {"step", "task", "inputs"}}) asks for; a task that is unknown,
     * not active, a graph of its own or that refuses the inputs fails the step at once (the attempt is requested
     * again with that outcome).
     */
    public Uni<Void> start(ScheduledRun asking, String key, JsonNode wanted) {
        UUID id = childId(asking.id, key);
        String name = wanted.path("task").asText();
        ObjectNode inputs = wanted.path("inputs").isObject() ? (ObjectNode) wanted.get("inputs")
                : JsonNodeFactory.instance.objectNode();
        return runs.findById(id).chain(existing -> existing != null ? Uni.createFrom().voidItem()
                : KnownTask.named(asking.tenant, name).chain(task -> {
                    JsonNode definition = task == null ? null : EventJson.readTree(task.definition);
                    JsonNode filled = task == null ? inputs : JsonSchemas.withDefaults(definition.get("parameters"), inputs);
                    String refusal = refusal(task, definition, name, filled);
                    if (refusal != null) {
                        return answer(asking, key, false, refusal);
                    }
                    return create(asking, id, task, filled, "step:" + asking.id + "/" + wanted.path("step").asText());
                }));
    }

    private static String refusal(KnownTask task, JsonNode definition, String name, JsonNode inputs) {
        if (task == null) {
            return "there is no task '" + name + "'";
        }
        if (!"active".equals(task.state)) {
            return "the task '" + name + "' is " + task.state;
        }
        if (GraphPlanner.isGraph(definition)) {
            return "the task '" + name + "' has subtasks or dependencies: a task step runs a single task";
        }
        List<String> problems = RunScheduler.inputProblems(definition, inputs);
        return problems.isEmpty() ? null
                : "the inputs for task '" + name + "' do not match its parameters: " + String.join("; ", problems);
    }

    private Uni<Void> create(ScheduledRun asking, UUID id, KnownTask task, JsonNode inputs, String origin) {
        if (asking.rootRunId == null) {
            // the asking run becomes the root of a graph: its subtasks are cancelled with it
            asking.rootRunId = asking.id;
        }
        Instant now = Instant.now();
        ScheduledRun run = ScheduledRun.pending(id, asking.tenant, task.name, task.version, task.definition,
                inputs.toString(), asking.session, now, now);
        run.rootRunId = asking.rootRunId;
        run.parentRunId = asking.id;
        RunLink link = new RunLink();
        link.runId = asking.id;
        link.needsRunId = id;
        link.kind = GraphPlanner.Kind.SUBTASK.wire();
        return transitions.announce(run, RunStatus.PENDING, null, null, origin,
                        new RunTransitions.NodeLinks(asking.id.toString(), List.of(), null))
                // the link after the run it references
                .chain(() -> slots.startNew(run, null)).chain(() -> links.persist(link)).replaceWithVoid();
    }

    /** The asking attempt again, with the outcome of the run it waited for. */
    Uni<Void> answer(ScheduledRun asking, String key, boolean succeeded, String outcome) {
        return transitions.resume(asking, new RunRequest.Answer(key, outcome, ANSWERED_BY, Instant.now(), succeeded));
    }

    /** {@code child} ended: the run that waits for it at a task step goes on with its result, or its failure. */
    Uni<Void> ended(ScheduledRun asking, ScheduledRun child, String error) {
        boolean succeeded = child.status.isSuccessful();
        String outcome = succeeded ? (child.result == null ? "null" : child.result)
                : "task '" + child.taskName + "' (run " + child.id + ") ended " + child.status
                        + (error == null ? "" : ": " + error);
        return answer(asking, asking.question, succeeded, outcome);
    }
}
