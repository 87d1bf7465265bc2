package io.taskmesh.api.run.events;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.taskmesh.api.run.Run;
import io.taskmesh.api.run.RunAttemptDetailRepository;
import io.taskmesh.api.run.RunFeedbackRepository;
import io.taskmesh.api.run.RunRepository;
import io.taskmesh.api.task.TaskRepository;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import io.taskmesh.platform.messaging.EventBatcher;
import io.taskmesh.platform.messaging.EventBatcher.Batched;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.FlushMode;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Keeps the run read model up to date from the run events. Idempotent: an event whose seq is not newer
 * than the last one applied changes nothing, and a status the run cannot reach is never applied.
 */
@ApplicationScoped
public class RunProjection {

    private static final Logger LOG = Logger.getLogger(RunProjection.class);

    private final RunRepository runs;
    private final RunFeedbackRepository feedback;
    private final TaskRepository tasks;
    private final RunAttemptDetailRepository details;
    private final RunMeters meters;
    private final EventBatcher<RunEvent> batcher;

    public RunProjection(RunRepository runs, RunFeedbackRepository feedback, TaskRepository tasks,
            RunAttemptDetailRepository details, RunMeters meters,
            @ConfigProperty(name = "taskmesh.run-events.max-batch", defaultValue = "100") int maxBatch) {
        this.batcher = new EventBatcher<>(incoming -> incoming.data(RunEvent.class), this::project,
                item -> project(List.of(item)), maxBatch);
        this.runs = runs;
        this.feedback = feedback;
        this.tasks = tasks;
        this.details = details;
        this.meters = meters;
    }

    @Incoming("run-events")
    public Uni<Void> onRunEvent(Message<String> message) {
        return batcher.accept(message);
    }

    /** The events of a batch in one transaction: their runs read with one query, written back at the commit. */
    private Uni<Void> project(List<Batched<RunEvent>> batch) {
        List<Change> changes = new ArrayList<>();
        List<UUID> ids = batch.stream().map(b -> UUID.fromString(b.data().runId())).distinct().toList();
        return Panache.withTransaction(() -> Panache.getSession()
                        // nothing the batch reads depends on what it changed: no flush before each query
                        .invoke(session -> session.setFlushMode(FlushMode.COMMIT))
                        .chain(() -> runs.list("id in ?1", ids))
                        .chain(found -> {
                            Map<UUID, Run> byId = new HashMap<>();
                            found.forEach(run -> byId.put(run.id, run));
                            return EventBatcher.eachInOrder(batch, item -> {
                                RunEvent event = item.data();
                                Run run = byId.get(UUID.fromString(event.runId()));
                                return project(event, run != null && run.tenant.equals(event.tenant()) ? run : null, changes)
                                        .invoke(seen -> {
                                            if (seen != null) {
                                                byId.put(seen.id, seen);
                                            }
                                        }).replaceWithVoid();
                            });
                        }))
                .invoke(() -> changes.forEach(c -> meters.changed(c.run(), c.status(), c.at())));
    }

    /**
     * Applies an event to its run ({@code null} when the read model does not have it yet); a change is noted in
     * {@code changes}, for the meters once committed.
     *
     * @return the run, as it is now (null when the read model does not have it)
     */
    private Uni<Run> project(RunEvent event, Run found, List<Change> changes) {
        Uni<Run> known = found != null || event.origin() == null ? Uni.createFrom().item(found) : firstSight(event);
        return known.call(run -> {
            if (run == null || !apply(run, event)) {
                return Uni.createFrom().voidItem();
            }
            changes.add(new Change(run, event.status(), event.at()));
            if (event.details() != null) {
                return details.record(run.id, event.attempt(), event.details().toString());
            }
            // feedback is given on an attempt (the first is 1): the first attempt has none to take
            if (event.status() != RunStatus.RUNNING || event.attempt() <= 1) {
                return Uni.createFrom().voidItem();
            }
            // an attempt that starts after feedback runs with it
            return feedback.markProcessed(run.id, event.attempt()).replaceWithVoid();
        });
    }

    /** A run the event changed, and to what. */
    record Change(Run run, RunStatus status, Instant at) {
    }

    /**
     * A run the scheduler created itself (a trigger fired, a run graph was expanded): the read model learns of it
     * from its first event, which carries its inputs and origin. A subtask defined inline belongs to the task whose
     * definition holds it ({@code definedIn}). A task this service does not know leaves it unknown.
     */
    private Uni<Run> firstSight(RunEvent event) {
        String owner = event.definedIn() != null ? event.definedIn() : event.task();
        return tasks.findByName(event.tenant(), owner).chain(task -> {
            if (task == null) {
                return Uni.createFrom().nullItem();
            }
            Run run = new Run();
            run.id = UUID.fromString(event.runId());
            run.tenant = event.tenant();
            run.taskId = task.id;
            run.taskName = event.task();
            run.taskVersion = event.version();
            run.status = RunStatus.PENDING;
            run.inputs = (event.inputs() == null ? EventJson.readTree("{}") : event.inputs()).toString();
            run.requestedBy = event.origin();
            run.createdAt = event.at();
            run.updatedAt = event.at();
            return runs.persist(run);
        });
    }

    /** @return whether the event changed the run */
    static boolean apply(Run run, RunEvent event) {
        if (event.seq() <= run.seq) {
            return false;
        }
        if (run.status != event.status() && !run.status.canReach(event.status())) {
            LOG.warnf("run %s: ignored %s (seq %d) after %s (seq %d)", run.id, event.status(), event.seq(),
                    run.status, run.seq);
            return false;
        }
        run.status = event.status();
        run.seq = event.seq();
        run.attempt = Math.max(run.attempt, event.attempt());
        run.updatedAt = event.at();
        switch (event.status()) {
            case RUNNING -> {
                if (run.startedAt == null) {
                    run.startedAt = event.at();
                }
            }
            case QUEUED -> {
                // a new attempt (retry or revision): the previous one's end no longer describes the run
                run.errorCode = null;
                run.errorMessage = null;
                run.finishedAt = null;
            }
            default -> {
            }
        }
        if (event.result() != null) {
            run.result = event.result().toString();
        }
        if (event.error() != null) {
            run.errorCode = event.error().code();
            run.errorMessage = event.error().message();
        }
        if (event.status().isTerminal()) {
            run.finishedAt = event.at();
        }
        if (event.parentRunId() != null) {
            run.parentRunId = UUID.fromString(event.parentRunId());
        }
        if (event.dependencyRunIds() != null) {
            run.dependencyRunIds = EventJson.write(event.dependencyRunIds());
        }
        return true;
    }
}
