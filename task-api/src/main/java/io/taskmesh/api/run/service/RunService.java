package io.taskmesh.api.run.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.taskmesh.api.agent.AgentRepository;
import io.taskmesh.api.audit.AuditLog;
import io.taskmesh.api.run.Run;
import io.taskmesh.api.run.RunAttemptDetail;
import io.taskmesh.api.run.RunAttemptDetailRepository;
import io.taskmesh.api.run.RunFeedback;
import io.taskmesh.api.run.RunFeedbackRepository;
import io.taskmesh.api.run.RunRepository;
import io.taskmesh.api.task.TaskRepository;
import io.taskmesh.api.task.TaskState;
import io.taskmesh.api.task.TaskVersionRepository;
import io.taskmesh.api.task.validation.InputValidator;
import io.taskmesh.events.AgentRefs;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunCommand;
import io.taskmesh.events.RunCreateCommand;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.outbox.Outbox;
import io.taskmesh.platform.problem.ProblemException;
import io.taskmesh.platform.security.CurrentTenant.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Accepts runs: checks the inputs against the task's parameters, stores the run and the command that
 * asks the scheduler for it in one transaction. Once this commits, the run cannot be lost.
 */
@ApplicationScoped
public class RunService {

    private final TaskRepository tasks;
    private final TaskVersionRepository versions;
    private final RunRepository runs;
    private final InputValidator inputs;
    private final Outbox outbox;
    private final AuditLog audit;
    private final RunFeedbackRepository feedback;
    private final RunAttemptDetailRepository details;
    private final AgentRepository agents;

    public RunService(TaskRepository tasks, TaskVersionRepository versions, RunRepository runs, InputValidator inputs,
            Outbox outbox, AuditLog audit, RunFeedbackRepository feedback, RunAttemptDetailRepository details,
            AgentRepository agents) {
        this.audit = audit;
        this.feedback = feedback;
        this.details = details;
        this.agents = agents;
        this.tasks = tasks;
        this.versions = versions;
        this.runs = runs;
        this.inputs = inputs;
        this.outbox = outbox;
    }

    /** The run, and whether it was created by this request or found by its idempotency key. */
    public record Started(Run run, boolean created) {
    }

    /** The unique index of V1__tasks_and_runs.sql: one run per tenant and idempotency key. */
    private static final String IDEMPOTENCY_INDEX = "run_idempotency";

    /**
     * Starts a run of the task's current version, or answers with the run its idempotency key started before. Two
     * requests with one key at the same time (a client retrying a request whose answer it did not get) start one
     * run: they take the key one after the other, and the second finds the run of the first. Should the key be
     * taken all the same (by a writer that did not wait its turn), the unique index refuses the second run and
     * the request answers with the first.
     */
    @WithSpan("RunService.start")
    public Uni<Started> start(Caller caller, String taskName, JsonNode given, String idempotencyKey, String session) {
        return Panache.withTransaction(() -> create(caller, taskName, given, idempotencyKey, session))
                .onFailure(failure -> idempotencyKey != null && keyTaken(failure))
                .recoverWithUni(() -> Panache.withSession(() -> runs.findByIdempotencyKey(caller.tenant(), idempotencyKey))
                        .map(existing -> new Started(existing, false)));
    }

    /** Whether the failure is the unique index on the runs' idempotency keys refusing a second run for a key. */
    private static boolean keyTaken(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConstraintViolationException violation && IDEMPOTENCY_INDEX.equals(violation.getConstraintName())) {
                return true;
            }
        }
        return false;
    }

    private Uni<Started> create(Caller caller, String taskName, JsonNode given, String idempotencyKey, String session) {
        String tenant = caller.tenant();
        Uni<Run> previous = idempotencyKey == null ? Uni.createFrom().nullItem()
                : runs.lockIdempotencyKey(tenant, idempotencyKey).chain(() -> runs.findByIdempotencyKey(tenant, idempotencyKey));
        return previous.chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().item(new Started(existing, false));
            }
            return tasks.findByName(tenant, taskName).chain(task -> {
                if (task == null) {
                    throw ProblemException.notFound("task '" + taskName + "'");
                }
                if (task.state != TaskState.ACTIVE) {
                    throw ProblemException.conflict("task '" + taskName + "' is " + task.state.wire()
                            + " and takes no new runs");
                }
                return versions.findVersion(task, task.currentVersion).chain(version -> {
                    JsonNode definition = EventJson.readTree(version.definition);
                    InputValidator.Checked checked = inputs.check(definition.get("parameters"), given);
                    if (!checked.errors().isEmpty()) {
                        throw ProblemException.invalid(422, "The inputs do not match the task's parameters",
                                checked.errors());
                    }
                    Instant now = Instant.now();
                    Run run = new Run();
                    run.id = UUID.randomUUID();
                    run.tenant = tenant;
                    run.taskId = task.id;
                    run.taskName = task.name;
                    run.taskVersion = version.version;
                    run.status = RunStatus.PENDING;
                    run.inputs = checked.inputs().toString();
                    run.idempotencyKey = idempotencyKey;
                    run.session = session;
                    run.requestedBy = caller.subject();
                    run.createdAt = now;
                    run.updatedAt = now;
                    // the run is handed the agent as it is now, so it never waits on the agent's announcement
                    Uni<JsonNode> resolved = AgentRefs.needsAgent(definition) ? agents.resolve(tenant, definition.path("agent"))
                            : Uni.createFrom().item(definition.path("agent"));
                    return resolved.chain(agent -> {
                        if (!AgentRefs.wantsDefault(agent)) {
                            ((ObjectNode) definition).set("agent", agent);
                        }
                        RunCreateCommand command = new RunCreateCommand(tenant, task.name, run.id.toString(),
                                version.version, definition, checked.inputs(), idempotencyKey, caller.subject(), session);
                        return runs.persist(run)
                                .chain(() -> outbox.add(Topics.RUN_COMMANDS, run.id.toString(), RunCreateCommand.TYPE,
                                        run.id.toString(), command))
                                .call(() -> audit.record(caller, "run.start",
                                        AuditLog.Target.run(run.id.toString(), run.taskName, run.taskVersion), null))
                                .replaceWith(new Started(run, true));
                    });
                });
            });
        });
    }

    /**
     * A run with its feedback history, what its latest attempt reported (steps, transcript), if any, and the runs
     * of its subtasks (null when not looked up).
     */
    public record Detailed(Run run, List<RunFeedback> feedback, RunAttemptDetail latest, List<Run> children) {
    }

    @WithSession
    public Uni<Detailed> get(String tenant, UUID id) {
        return find(tenant, id).chain(run -> feedback.history(run.id)
                .chain(history -> details.latest(run.id)
                        .chain(latest -> runs.children(tenant, run.id)
                                .map(children -> new Detailed(run, history, latest, children)))));
    }

    @WithSession
    public Uni<List<Run>> list(String tenant, RunRepository.Filter filter, int limit) {
        // the subtasks of an unknown run are as absent as the run: 404
        Uni<Void> parentKnown = filter.parent() == null ? Uni.createFrom().voidItem()
                : find(tenant, filter.parent()).replaceWithVoid();
        return parentKnown.chain(() -> listOf(tenant, filter, limit));
    }

    private Uni<List<Run>> listOf(String tenant, RunRepository.Filter filter, int limit) {
        if (!filter.labels().isEmpty()) {
            return tasks.idsWithLabels(tenant, filter.labels()).chain(ids -> ids.isEmpty()
                    ? Uni.createFrom().item(List.<Run>of())
                    : listOf(tenant, filter.ofTasks(ids), limit));
        }
        if (filter.task() == null) {
            return runs.search(tenant, filter, limit);
        }
        return tasks.findByName(tenant, filter.task()).chain(task -> {
            if (task == null) {
                throw ProblemException.notFound("task '" + filter.task() + "'");
            }
            return runs.search(tenant, filter, limit);
        });
    }

    /**
     * A person's decision about a run, carried out by the scheduler: cancel (any run not yet finished),
     * validate or give feedback (a run awaiting validation), answer (a run awaiting input). Anything else is a
     * 409 and changes nothing.
     */
    @WithTransaction
    @WithSpan("RunService.decide")
    public Uni<Detailed> decide(Caller caller, UUID id, String type, String content) {
        return find(caller.tenant(), id).chain(run -> {
            boolean allowed = switch (type) {
                case RunCommand.CANCEL -> !run.status.isTerminal();
                case RunCommand.ANSWER -> run.status == RunStatus.AWAITING_INPUT;
                default -> run.status == RunStatus.AWAITING_VALIDATION;
            };
            if (!allowed) {
                throw ProblemException.conflict("run " + id + " is " + run.status + "; "
                        + switch (type) {
                            case RunCommand.CANCEL -> "it has already finished";
                            case RunCommand.ANSWER -> "only a run awaiting input can be answered";
                            default -> "only a run awaiting validation can be validated or sent back with feedback";
                        });
            }
            Uni<Void> recorded = Uni.createFrom().voidItem();
            if (type.equals(RunCommand.FEEDBACK)) {
                RunFeedback entry = new RunFeedback();
                entry.id = UUID.randomUUID();
                entry.runId = run.id;
                entry.content = content;
                entry.status = RunFeedback.Status.PENDING;
                entry.attempt = run.attempt;
                entry.createdAt = Instant.now();
                entry.createdBy = caller.subject();
                recorded = feedback.persist(entry).replaceWithVoid();
            }
            String action = switch (type) {
                case RunCommand.CANCEL -> "run.cancel";
                case RunCommand.VALIDATE -> "run.validate";
                case RunCommand.ANSWER -> "run.answer";
                default -> "run.feedback";
            };
            return recorded
                    .chain(() -> outbox.add(Topics.RUN_COMMANDS, run.id.toString(), type, run.id.toString(),
                            new RunCommand(run.tenant, run.id.toString(), caller.subject(), content, run.seq)))
                    .chain(() -> audit.record(caller, action, AuditLog.Target.run(run.id.toString(), run.taskName,
                            run.taskVersion), content))
                    .chain(() -> feedback.history(run.id))
                    .map(history -> new Detailed(run, history, null, null));
        });
    }

    private Uni<Run> find(String tenant, UUID id) {
        return runs.findForTenant(tenant, id).map(run -> {
            if (run == null) {
                throw ProblemException.notFound("run " + id);
            }
            return run;
        });
    }
}
