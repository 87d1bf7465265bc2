package io.taskmesh.scheduler.run.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.MalformedEventException;
import io.taskmesh.events.RunCreateCommand;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunRequest;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.outbox.Outbox;
import io.taskmesh.scheduler.run.ScheduledRun;
import io.taskmesh.scheduler.run.ScheduledRunRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Turns accepted run commands into queued attempts: stores the run, announces QUEUED and hands the
 * attempt to the executors, all in one transaction through the outbox. A repeated command for a run
 * it already has changes nothing.
 */
@ApplicationScoped
public class RunScheduler {

    private final ScheduledRunRepository runs;
    private final Outbox outbox;

    public RunScheduler(ScheduledRunRepository runs, Outbox outbox) {
        this.runs = runs;
        this.outbox = outbox;
    }

    @WithTransaction
    @WithSpan("RunScheduler.accept")
    public Uni<Void> accept(RunCreateCommand command, String eventId) {
        if (command.definition() == null || command.version() == null) {
            throw new MalformedEventException("run command for task '" + command.task()
                    + "' carries no pinned definition and version");
        }
        UUID runId = command.runId() != null ? UUID.fromString(command.runId())
                : UUID.nameUUIDFromBytes((command.tenant() + "/" + eventId).getBytes(StandardCharsets.UTF_8));
        return runs.findById(runId).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().voidItem();
            }
            Instant now = Instant.now();
            ScheduledRun run = new ScheduledRun();
            run.id = runId;
            run.tenant = command.tenant();
            run.taskName = command.task();
            run.taskVersion = command.version();
            run.definition = command.definition().toString();
            JsonNode inputs = command.inputs() == null ? JsonNodeFactory.instance.objectNode() : command.inputs();
            run.inputs = inputs.toString();
            run.status = RunStatus.QUEUED;
            run.attempt = 1;
            run.seq = 1;
            run.createdAt = now;
            run.updatedAt = now;
            RunEvent queued = new RunEvent(run.tenant, runId.toString(), run.taskName, run.taskVersion,
                    RunStatus.QUEUED, run.seq, run.attempt, null, null, now);
            RunRequest request = new RunRequest(run.tenant, runId.toString(), run.taskName, run.taskVersion,
                    run.attempt, run.seq, command.definition(), inputs, deadline(command.definition(), now));
            return runs.persist(run)
                    .chain(() -> outbox.add(Topics.RUN_EVENTS, runId.toString(), queued.type(), runId.toString(), queued))
                    .chain(() -> outbox.add(Topics.RUN_REQUESTS, runId.toString(), RunRequest.TYPE, runId.toString(),
                            request))
                    .replaceWithVoid();
        });
    }

    /** Records how far a run got, from any service's event, so the scheduler's next event follows it. */
    @WithTransaction
    public Uni<Void> observe(RunEvent event) {
        return runs.findById(UUID.fromString(event.runId())).invoke(run -> {
            if (run == null || event.seq() <= run.seq) {
                return;
            }
            run.seq = event.seq();
            if (run.status.canReach(event.status())) {
                run.status = event.status();
                run.attempt = Math.max(run.attempt, event.attempt());
            }
            run.updatedAt = Instant.now();
        }).replaceWithVoid();
    }

    static Instant deadline(JsonNode definition, Instant from) {
        JsonNode limit = definition.path("limits").path("maxDurationSeconds");
        return limit.isIntegralNumber() ? from.plus(Duration.ofSeconds(limit.asLong())) : null;
    }

}
