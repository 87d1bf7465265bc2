package io.taskmesh.scheduler.run.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.MalformedEventException;
import io.taskmesh.events.RunCommand;
import io.taskmesh.events.RunCreateCommand;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunHeartbeat;
import io.taskmesh.events.RunRequest;
import io.taskmesh.events.RunStatus;
import io.taskmesh.platform.reactive.OneAfterAnother;
import io.taskmesh.platform.schema.JsonSchemas;
import io.taskmesh.scheduler.graph.GraphPlanner;
import io.taskmesh.scheduler.graph.RunGraphs;
import io.taskmesh.scheduler.graph.TaskSteps;
import io.taskmesh.scheduler.run.ScheduledRun;
import io.taskmesh.scheduler.run.ScheduledRunRepository;
import io.taskmesh.scheduler.run.WaitingCommand;
import io.taskmesh.scheduler.trigger.KnownTask;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Owns the transitions that are decisions rather than work: a run is queued (an attempt handed to the
 * executors), cancelled, validated, or sent back for revision with feedback. Every decision is stored and
 * announced in one transaction through the outbox; a repeated command changes nothing.
 */
@ApplicationScoped
public class RunScheduler {

    private static final Logger LOG = Logger.getLogger(RunScheduler.class);
    private static final RandomGenerator RANDOM = RandomGenerator.getDefault();

    private final ScheduledRunRepository runs;
    private final RunTransitions transitions;
    private final RunGraphs graphs;
    private final RunMetrics metrics;
    private final ConcurrencySlots slots;
    private final RunMemory memory;
    private final TaskSteps taskSteps;
    private final WaitingCommands waiting;
    private final Duration lease;

    public RunScheduler(ScheduledRunRepository runs, RunTransitions transitions, RunGraphs graphs, RunMetrics metrics,
            ConcurrencySlots slots, RunMemory memory, TaskSteps taskSteps, WaitingCommands waiting,
            @ConfigProperty(name = "taskmesh.supervision.lease", defaultValue = "PT60S") Duration lease) {
        this.memory = memory;
        this.taskSteps = taskSteps;
        this.waiting = waiting;
        this.runs = runs;
        this.transitions = transitions;
        this.graphs = graphs;
        this.metrics = metrics;
        this.slots = slots;
        this.lease = lease;
    }

    @WithTransaction
    @WithSpan("RunScheduler.accept")
    public Uni<Void> accept(RunCreateCommand command, String eventId) {
        UUID runId = command.runId() != null ? UUID.fromString(command.runId()) : derivedId(command, eventId);
        if (command.definition() != null && command.version() != null) {
            JsonNode inputs = command.inputs() == null ? JsonNodeFactory.instance.objectNode() : command.inputs();
            // from task-api: the run exists there already, with the version it pinned
            return create(command.tenant(), command.task(), command.version(), command.definition(), inputs, runId, null,
                    null, command.session()).replaceWithVoid();
        }
        // from any other producer: the task's current version, as announced on the task-definitions topic
        return KnownTask.named(command.tenant(), command.task()).chain(task -> {
            if (task == null) {
                // perhaps defined a moment ago: its definition is on its way
                return waiting.park(command, eventId, runId);
            }
            String refused = refusal(command.tenant(), command.task(), task);
            if (refused != null) {
                throw new MalformedEventException(refused);
            }
            return startCommanded(task, command, eventId, runId);
        });
    }

    /** Why a run command for the tenant's task {@code name} ({@code task}, null when unknown) starts no run; else null. */
    private String refusal(String tenant, String name, KnownTask task) {
        String why = task == null ? "no such task (its definition did not come within " + waiting.waitFor() + ")"
                : "active".equals(task.state) ? null : "the task is " + task.state;
        return why == null ? null : "run command for task '" + name + "' of tenant '" + tenant + "': " + why;
    }

    private Uni<Void> startCommanded(KnownTask task, RunCreateCommand command, String eventId, UUID runId) {
        return create(task.tenant, task.name, task.version, EventJson.readTree(task.definition),
                command.inputs() == null ? JsonNodeFactory.instance.objectNode() : command.inputs(), runId,
                "event:" + (command.requestedBy() == null ? eventId : command.requestedBy()), null, command.session())
                .replaceWithVoid();
    }

    /**
     * The run commands that waited for this task's definition, which has just come (in its transaction): each
     * starts its run now. Should the task have come inactive, they stay for {@link #settleWaiting}, which sets
     * them aside within a second, and counts them once they are.
     */
    public Uni<Void> startWaiting(KnownTask task) {
        if (refusal(task.tenant, task.name, task) != null) {
            return Uni.createFrom().voidItem();
        }
        return waiting.takeFor(task.tenant, task.name)
                .chain(taken -> OneAfterAnother.each(taken, command -> settle(command, task).replaceWithVoid()));
    }

    /**
     * The run commands whose task's definition came alongside the wait (in a transaction that could not see it),
     * or whose wait is over; claimed, so once per replica set.
     *
     * @return how many went to the dead-letter topic (their task did not come, or came inactive): counted by the
     *         caller once this transaction committed, so that a rolled back one, taken again, is counted once
     */
    @WithTransaction
    @WithSpan("RunScheduler.settleWaiting")
    public Uni<Integer> settleWaiting(Instant now) {
        return waiting.takeSettled(now).chain(taken -> {
            int[] givenUp = {0};
            return OneAfterAnother.each(taken, command -> KnownTask.named(command.tenant, command.task)
                    .chain(task -> settle(command, task)).invoke(started -> givenUp[0] += started ? 0 : 1).replaceWithVoid())
                    .map(done -> givenUp[0]);
        });
    }

    /** Starts the waiting command's run (true), or sets the command aside on the dead-letter topic (false). */
    private Uni<Boolean> settle(WaitingCommand command, KnownTask task) {
        String refused = refusal(command.tenant, command.task, task);
        if (refused != null) {
            return waiting.deadLetter(command, refused).replaceWith(false);
        }
        return startCommanded(task, EventJson.read(command.command, RunCreateCommand.class), command.eventId, command.runId)
                .replaceWith(true);
    }

    /** The same idempotency key (else the same CloudEvent id) names the same run: a redelivery creates nothing. */
    private static UUID derivedId(RunCreateCommand command, String eventId) {
        String key = command.idempotencyKey() != null ? "key:" + command.idempotencyKey() : "event:" + eventId;
        return UUID.nameUUIDFromBytes((command.tenant() + "/" + key).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Creates a run and queues its first attempt, unless a run with this id exists (then nothing happens).
     * A run the scheduler creates itself ({@code origin} set, e.g. a trigger) announces its inputs and origin
     * with its first event; inputs that do not match the task's parameters make it FAILED at once. A run of a
     * task with subtasks or dependencies is expanded into its graph ({@link RunGraphs}).
     *
     * @return whether the run was created now
     */
    public Uni<Boolean> create(String tenant, String task, int version, JsonNode definition, JsonNode inputs, UUID runId,
            String origin) {
        return create(tenant, task, version, definition, inputs, runId, origin, null);
    }

    /** As above; a {@code refusal} (say, a trigger that could not compute the inputs) makes the run FAILED at once. */
    public Uni<Boolean> create(String tenant, String task, int version, JsonNode definition, JsonNode inputs, UUID runId,
            String origin, RunEvent.RunError refusal) {
        return create(tenant, task, version, definition, inputs, runId, origin, refusal, null);
    }

    /** As above, in a named session (null: the run's own, shared with its graph). */
    private Uni<Boolean> create(String tenant, String task, int version, JsonNode definition, JsonNode inputs, UUID runId,
            String origin, RunEvent.RunError refusal, String session) {
        return runs.findById(runId).chain(existing -> existing != null ? Uni.createFrom().item(false)
                : createNew(tenant, task, version, definition, inputs, runId, origin, refusal, session).replaceWith(true));
    }

    /** A run whose id is new for certain (a trigger's fire time just recorded under its primary key). */
    public Uni<Void> createNew(String tenant, String task, int version, JsonNode definition, JsonNode inputs, UUID runId,
            String origin) {
        return createNew(tenant, task, version, definition, inputs, runId, origin, null, null);
    }

    private Uni<Void> createNew(String tenant, String task, int version, JsonNode definition, JsonNode given,
            UUID runId, String origin, RunEvent.RunError refusal, String session) {
        Instant now = Instant.now();
        // defaults are filled wherever the run comes from (the API has filled them already: that changes nothing)
        JsonNode inputs = given.isObject() ? JsonSchemas.withDefaults(definition.get("parameters"), (ObjectNode) given) : given;
        ScheduledRun run = ScheduledRun.pending(runId, tenant, task, version, definition.toString(), inputs.toString(),
                session, now, now);
        List<String> problems = origin == null || refusal != null ? List.of() : inputProblems(definition, inputs);
        RunEvent.RunError error = refusal != null ? refusal : problems.isEmpty() ? null
                : new RunEvent.RunError("inputs-invalid", "the trigger's inputs do not match the task's parameters: "
                        + String.join("; ", problems));
        if (error != null) {
            // stored as it ends: one write of the row, not two
            return transitions.announce(run, RunStatus.FAILED, null, error, origin).chain(() -> runs.persist(run))
                    .replaceWithVoid();
        }
        if (GraphPlanner.isGraph(definition)) {
            return graphs.expand(run, definition, origin);
        }
        return slots.startNew(run, origin);
    }

    /** How {@code inputs} break the definition's {@code parameters}, one "field message" each; empty when they fit. */
    public static List<String> inputProblems(JsonNode definition, JsonNode inputs) {
        JsonNode parameters = definition.get("parameters");
        if (parameters == null || !parameters.isObject()) {
            return List.of();
        }
        return JsonSchemas.violations(JsonSchemas.compile(parameters), inputs, "inputs").stream()
                .map(e -> e.field() + " " + e.message()).toList();
    }

    /**
     * A person's decision: cancel, validate, feedback that sends the result back for revision, or the answer
     * to the question a run awaits. Cancelling a node of a run graph cancels its subtree (see {@link RunGraphs}).
     */
    @WithTransaction
    @WithSpan("RunScheduler.decide")
    public Uni<Void> decide(String type, RunCommand command) {
        return graphs.lock(UUID.fromString(command.runId())).chain(run -> {
            if (run == null || !run.tenant.equals(command.tenant())) {
                LOG.infof("%s for unknown run %s ignored", type, command.runId());
                return Uni.createFrom().voidItem();
            }
            if (command.seq() != null && run.seq < command.seq()) {
                // the decision was taken on a status this scheduler has not seen yet: retried shortly
                throw new IllegalStateException("run " + run.id + " is at seq " + run.seq + ", the " + type
                        + " was decided at seq " + command.seq());
            }
            return switch (type) {
                case RunCommand.CANCEL -> run.status.isTerminal() && run.nextAttemptAt == null ? ignored(type, run)
                        : transitions.announce(run, RunStatus.CANCELLED, null, new RunEvent.RunError("cancelled",
                                "cancelled by " + command.requestedBy()));
                // a run stopped at an approval step goes on when approved, and fails when sent back
                case RunCommand.VALIDATE -> run.status != RunStatus.AWAITING_VALIDATION ? ignored(type, run)
                        : run.question != null ? decideApproval(run, command, true)
                        : transitions.announce(run, RunStatus.VALIDATED,
                                run.result == null ? null : EventJson.readTree(run.result), null);
                case RunCommand.FEEDBACK -> run.status != RunStatus.AWAITING_VALIDATION ? ignored(type, run)
                        : run.question != null ? decideApproval(run, command, false)
                        : revise(run, new RunRequest.Feedback(command.content(), command.requestedBy(), Instant.now()));
                case RunCommand.ANSWER -> run.status != RunStatus.AWAITING_INPUT || run.question == null ? ignored(type, run)
                        : transitions.resume(run, new RunRequest.Answer(run.question, command.content(),
                                command.requestedBy(), Instant.now()));
                default -> throw new MalformedEventException("unsupported run command type " + type);
            };
        });
    }

    /**
     * Records how far a run got, from any service's event, so the scheduler's next event follows it; a node of a
     * run graph that ended moves its graph on, whoever announced the end (the scheduler's own events included).
     */
    @WithTransaction
    public Uni<Void> observe(RunEvent event) {
        return graphs.lock(UUID.fromString(event.runId())).chain(run -> {
            if (run == null) {
                return Uni.createFrom().voidItem();
            }
            boolean moved = apply(run, event);
            // what the attempt remembered is stored with its outcome, once (a redelivered event is not applied)
            JsonNode writes = event.details() == null ? null : event.details().get("memory");
            Uni<Void> remembered = moved && writes != null && writes.isObject() ? memory.write(run, writes)
                    : Uni.createFrom().voidItem();
            if (run.status != event.status()) {
                return remembered;
            }
            if (moved && run.question != null && event.status() == RunStatus.RUNNING) {
                return remembered.chain(() -> taskSteps.start(run, run.question, event.details().get("awaitingRun")));
            }
            Uni<Void> settled = remembered.chain(() -> graphs.settle(run, event.error()));
            // a run that ended for good released its slots: the oldest runs waiting for one start now
            return run.status.isTerminal() && run.nextAttemptAt == null && slots.limited(run)
                    ? settled.chain(() -> slots.admitWaiting(run.tenant, false)).replaceWithVoid()
                    : settled;
        });
    }

    /** Whether the event was new and moved the run on. */
    private boolean apply(ScheduledRun run, RunEvent event) {
        if (event.seq() <= run.seq) {
            return false;
        }
        run.seq = event.seq();
        boolean moved = run.status.canReach(event.status());
        if (moved) {
            run.status = event.status();
            run.attempt = Math.max(run.attempt, event.attempt());
            if (run.status != RunStatus.RUNNING) {
                run.leaseExpiresAt = null;
            }
            if (run.status != RunStatus.FAILED && run.status != RunStatus.PENDING) {
                // a retry was due only while the run stood FAILED (a late result may have moved it on)
                run.nextAttemptAt = null;
            }
            if (event.result() != null) {
                run.result = event.result().toString();
            }
            // a question to answer (AWAITING_INPUT), an approval step to decide (AWAITING_VALIDATION), or the run
            // of another task to wait for (RUNNING, without an executor: no lease)
            JsonNode details = event.details() == null ? MissingNode.getInstance() : event.details();
            boolean awaitingRun = event.status() == RunStatus.RUNNING && details.has("awaitingRun");
            boolean stopped = event.status() == RunStatus.AWAITING_INPUT || awaitingRun
                    || event.status() == RunStatus.AWAITING_VALIDATION && details.has("approval");
            if (awaitingRun) {
                run.leaseExpiresAt = null;
            }
            run.question = stopped ? details.path("question").asText(null) : null;
            if (stopped && details.path("steps").isObject()) {
                run.progress = details.get("steps").toString();
            }
            if (event.status().isTerminal() || event.status() == RunStatus.AWAITING_VALIDATION) {
                run.deadline = null;
            }
            boolean rejected = event.error() != null && "approval-rejected".equals(event.error().code());
            if (event.status() == RunStatus.FAILED && event.attempt() == run.attempt && !rejected) {
                RetryPolicy policy = RetryPolicy.of(EventJson.readTree(run.definition));
                if (policy.allowsAnotherAfter(run.attempt)) {
                    run.nextAttemptAt = Instant.now().plus(policy.delayAfter(run.attempt, RANDOM));
                }
            }
            if (run.status.isTerminal() && run.nextAttemptAt == null) {
                run.waitingSince = null;
                metrics.finished(run.status);
            }
        }
        run.updatedAt = Instant.now();
        return moved;
    }

    /** The decision on the approval step the run stopped at, with the person's comment: its attempt goes on. */
    private Uni<Void> decideApproval(ScheduledRun run, RunCommand command, boolean approved) {
        return transitions.resume(run, new RunRequest.Answer(run.question, command.content() == null ? "" : command.content(),
                command.requestedBy(), Instant.now(), approved));
    }

    private Uni<Void> revise(ScheduledRun run, RunRequest.Feedback feedback) {
        List<RunRequest.Feedback> history = new ArrayList<>(RunTransitions.feedback(run));
        history.add(feedback);
        run.feedback = EventJson.write(history);
        return transitions.announce(run, RunStatus.REVISE, null, null).chain(() -> transitions.queueNextAttempt(run, null));
    }

    /**
     * Starts the next attempt of every failed run whose backoff has passed, and tries again to expand the graphs
     * that wait for a definition (PENDING); claimed, so once per replica set.
     */
    @WithTransaction
    @WithSpan("RunScheduler.retryDue")
    public Uni<Integer> retryDue(Instant now) {
        return runs.claim("nextAttemptAt <= ?1 order by nextAttemptAt", now).chain(due -> OneAfterAnother.each(due, run -> {
            if (run.status == RunStatus.PENDING) {
                return graphs.expandWaiting(run);
            }
            if (run.status == RunStatus.FAILED) {
                return transitions.queueNextAttempt(run, null);
            }
            // nothing to retry any more; never let one such row stop the supervisor for every run
            LOG.warnf("run %s: a retry was due but the run is %s; none follows", run.id, run.status);
            run.nextAttemptAt = null;
            return Uni.createFrom().voidItem();
        }).replaceWith(due.size()));
    }

    /** Times out the runs still queued or running past their deadline, whether or not an executor is alive. */
    @WithTransaction
    @WithSpan("RunScheduler.expire")
    public Uni<Integer> expire(Instant now) {
        return runs.claim("deadline < ?1 and status in ?2 order by deadline", now,
                List.of(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.AWAITING_INPUT)).chain(late -> OneAfterAnother.each(late,
                        run -> transitions.announce(run, RunStatus.TIMED_OUT, null, new RunEvent.RunError("timed-out",
                                "the run did not finish within its maxDurationSeconds"))).replaceWith(late.size()));
    }

    /**
     * A heartbeat of whoever carries out the run's current attempt: takes or extends the lease on it. A heartbeat
     * of an older attempt, or of a run no longer RUNNING, changes nothing.
     */
    @WithTransaction
    public Uni<Void> heartbeat(RunHeartbeat heartbeat) {
        // a run waiting at a task step has no executor: a late heartbeat of its attempt takes no lease
        return runs.update("leaseExpiresAt = ?1 where id = ?2 and attempt = ?3 and status = ?4 and question is null",
                Instant.now().plus(lease), UUID.fromString(heartbeat.runId()), heartbeat.attempt(), RunStatus.RUNNING)
                .replaceWithVoid();
    }

    /**
     * The runs whose executor stopped sending heartbeats for longer than the lease: each is taken again as a new
     * attempt while its {@code maxAttempts} allows, or else FAILED with {@code lease-expired}; claimed, so once
     * per replica set. A late result of the lost attempt is then ignored (its attempt is not the run's).
     */
    @WithTransaction
    @WithSpan("RunScheduler.expireLeases")
    public Uni<Integer> expireLeases(Instant now) {
        return runs.claim("leaseExpiresAt < ?1 and status = ?2 order by leaseExpiresAt", now, RunStatus.RUNNING)
                .chain(lost -> OneAfterAnother.each(lost, run -> {
                    String why = "no heartbeat from the executor of attempt " + run.attempt + " since "
                            + run.leaseExpiresAt.minus(lease) + "; it is taken to have died";
                    run.leaseExpiresAt = null;
                    if (RetryPolicy.of(EventJson.readTree(run.definition)).allowsAnotherAfter(run.attempt)) {
                        LOG.infof("run %s: %s; attempt %d follows", run.id, why, run.attempt + 1);
                        return transitions.queueNextAttempt(run, null);
                    }
                    RunEvent.RunError error = new RunEvent.RunError("lease-expired", why);
                    return transitions.announce(run, RunStatus.FAILED, null, error).chain(() -> graphs.settle(run, error));
                }).replaceWith(lost.size()));
    }

    private static Uni<Void> ignored(String type, ScheduledRun run) {
        LOG.infof("%s ignored: run %s is %s", type, run.id, run.status);
        return Uni.createFrom().voidItem();
    }
}
