package io.taskmesh.executor.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunRequest;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.executor.secret.Secrets;
import io.taskmesh.executor.step.Paused;
import io.taskmesh.executor.step.RunScope;
import io.taskmesh.executor.step.StepFailure;
import io.taskmesh.executor.step.StepRunner;
import io.taskmesh.platform.messaging.CloudEventMessages;
import io.taskmesh.platform.messaging.EventConsumers;
import io.taskmesh.platform.messaging.EventTrace;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Takes one attempt of a run from the run requests, announces RUNNING, carries out its steps and
 * announces SUCCEEDED with the result or FAILED with the reason. The request is acknowledged only once
 * its outcome is on the broker, so a crash mid-run leaves the request to be taken again.
 */
@ApplicationScoped
public class RunWorker {

    private static final Logger LOG = Logger.getLogger(RunWorker.class);
    /** The run events that stop a run wherever it runs. */
    private static final Set<String> STOPS = Set.of(RunStatus.CANCELLED.eventType(), RunStatus.TIMED_OUT.eventType());

    private final StepRunner steps;
    private final MutinyEmitter<String> events;
    private final String source;
    private final RunSlots slots;
    private final Heartbeats heartbeats;

    public RunWorker(StepRunner steps, @Channel("run-events") MutinyEmitter<String> events,
            @ConfigProperty(name = "quarkus.application.name") String source, RunSlots slots, Heartbeats heartbeats) {
        this.steps = steps;
        this.events = events;
        this.source = source;
        this.slots = slots;
        this.heartbeats = heartbeats;
    }

    /**
     * Takes the next request as soon as a slot is free and lets it run there: requests are not carried out one
     * after the other. Each is acknowledged once its outcome is on the broker (offsets are committed up to the
     * oldest request still running), so a crash leaves the unfinished ones to be taken again.
     */
    @Incoming("run-requests")
    public Uni<Void> onRequest(Message<String> message) {
        // the run goes on in the request's trace, on threads where it is not current by itself
        Context trace = EventTrace.of(message);
        return slots.acquire().invoke(() -> EventConsumers.handle(message, incoming -> execute(incoming.data(RunRequest.class), trace))
                .onTermination().invoke(slots::release)
                .subscribe().with(done -> { }, failure -> LOG.errorf(failure, "run request not handled")));
    }

    /** A run finished elsewhere (cancelled by a person, timed out by the scheduler): stop it if it runs here. */
    @Incoming("run-stops")
    public Uni<Void> onRunEvent(Message<String> message) {
        return EventConsumers.handle(message, incoming -> {
            // every run event passes by; only the two that stop a run are read (by their CloudEvent type)
            if (STOPS.contains(incoming.type())) {
                slots.stop(incoming.data(RunEvent.class).runId());
            }
            return Uni.createFrom().voidItem();
        });
    }

    Uni<Void> execute(RunRequest request, Context trace) {
        long seq = request.seq();
        if (!slots.take(request.runId() + "/" + request.attempt() + "/" + seq)) {
            // a redelivered request this executor already took: its side effects are not repeated
            LOG.infof("run %s attempt %d (seq %d) already taken here; redelivery ignored", request.runId(),
                    request.attempt(), seq);
            return Uni.createFrom().voidItem();
        }
        return publish(request, new Outcome(RunStatus.RUNNING, null, null, null), seq + 1, trace)
                .invoke(() -> heartbeats.started(request))
                .chain(() -> Uni.createFrom().completionStage(slots.run(request.runId(),
                        () -> EventTrace.within(trace, request.runId(), () -> outcome(request)))))
                .chain(outcome -> slots.wasStopped(request.runId()) ? Uni.createFrom().voidItem()
                        : publish(request, outcome, seq + 2, trace))
                .onTermination().invoke(() -> heartbeats.ended(request.runId()));
    }

    private record Outcome(RunStatus status, JsonNode result, RunEvent.RunError error, JsonNode details) {
    }

    private Outcome outcome(RunRequest request) {
        if (request.deadline() != null && Instant.now().isAfter(request.deadline())) {
            return new Outcome(RunStatus.TIMED_OUT, null, new RunEvent.RunError("timed-out",
                    "the run's maxDurationSeconds ran out before it started"), null);
        }
        RunScope scope = RunScope.of(request);
        RunStatus status;
        JsonNode result = null;
        RunEvent.RunError error = null;
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        try {
            result = steps.run(scope);
            // a person checks the result before the run counts as done (validate, or feedback for a revision)
            boolean reviewed = request.definition().path("validation").path("externalValidationRequired").asBoolean(false);
            status = reviewed ? RunStatus.AWAITING_VALIDATION : RunStatus.SUCCEEDED;
        } catch (Paused paused) {
            // a question, an approval or another run to wait for; a task step's run stays RUNNING without an executor
            status = paused.status();
            result = paused.shown();
            details.put("question", paused.question());
            paused.describe(details);
        } catch (StepFailure failure) {
            status = "timed-out".equals(failure.code()) ? RunStatus.TIMED_OUT : RunStatus.FAILED;
            error = new RunEvent.RunError(failure.code(), failure.getMessage());
        } catch (RuntimeException unexpected) {
            LOG.errorf(unexpected, "run %s failed unexpectedly", request.runId());
            status = RunStatus.FAILED;
            error = new RunEvent.RunError("executor-error", unexpected.getClass().getSimpleName() + ": " + unexpected.getMessage());
        }
        details.set("steps", scope.steps());
        if (!scope.transcript().isEmpty()) {
            details.set("transcript", scope.transcript());
        }
        if (!scope.memory().writes().isEmpty()) {
            details.set("memory", scope.memory().writes());
        }
        // nothing a run reports carries a secret it was given
        Set<String> secrets = scope.secretValues();
        return new Outcome(status, scrub(result, secrets),
                error == null ? null : new RunEvent.RunError(error.code(), Secrets.scrub(error.message(), secrets)),
                scrub(details, secrets));
    }

    private static JsonNode scrub(JsonNode value, Set<String> secrets) {
        return value == null || secrets.isEmpty() ? value : EventJson.readTree(Secrets.scrub(value.toString(), secrets));
    }

    private Uni<Void> publish(RunRequest request, Outcome outcome, long seq, Context trace) {
        RunEvent event = new RunEvent(request.tenant(), request.runId(), request.task(), request.version(),
                outcome.status(), seq, request.attempt(), outcome.result(), outcome.error(), Instant.now(), null, null,
                outcome.details());
        // A stable id per (run, attempt, seq): a redelivered request republishes the same events, which
        // consumers recognise by their seq.
        String id = UUID.nameUUIDFromBytes((request.runId() + "/" + request.attempt() + "/" + seq).getBytes()).toString();
        return events.sendMessage(EventTrace.continuing(CloudEventMessages.of(source, Topics.RUN_EVENTS, request.runId(), id,
                event.type(), request.runId(), EventJson.write(event)), trace));
    }
}
