package io.taskmesh.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskmesh.events.EventJson;
import io.taskmesh.events.EventSchemas;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunRequest;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Run requests put on Kafka as the scheduler would, and the run events the executor answers with. */
public final class ExecutorRuns {

    private ExecutorRuns() {
    }

    public static void request(String runId, String definition, String inputs) {
        request(runId, definition, inputs, null, null);
    }

    public static void request(String runId, String definition, String inputs, Instant deadline,
            List<RunRequest.Feedback> feedback) {
        request(runId, runId, definition, inputs, deadline, feedback);
    }

    /** A request under a given Kafka key: requests with the same key share a partition. */
    public static void request(String key, String runId, String definition, String inputs, Instant deadline,
            List<RunRequest.Feedback> feedback) {
        RunRequest request = new RunRequest("acme", runId, "task", 1, 1, 1, EventJson.readTree(definition),
                EventJson.readTree(inputs), deadline, feedback);
        KafkaProbe.publishCloudEvent(Topics.RUN_REQUESTS, key, UUID.randomUUID().toString(), RunRequest.TYPE, runId,
                EventJson.write(request));
    }

    /** What the scheduler announces when a person cancels a run. */
    public static void cancelled(String runId, long seq) {
        RunEvent event = new RunEvent("acme", runId, "task", 1, RunStatus.CANCELLED, seq, 1, null,
                new RunEvent.RunError("cancelled", "cancelled by alice"), Instant.now());
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(), event.type(), runId,
                EventJson.write(event));
    }

    /** The run's events, each checked against its schema, once one of type {@code last} has arrived. */
    public static List<RunEvent> events(KafkaProbe probe, String runId, RunStatus last) {
        probe.await(e -> runId.equals(e.key()) && last.eventType().equals(e.type()), Duration.ofSeconds(30));
        return probe.seen(e -> runId.equals(e.key()) && e.topic().equals(Topics.RUN_EVENTS)).stream().map(e -> {
            assertThat(EventSchemas.violations(e.type(), EventJson.readTree(e.value()))).isEmpty();
            return EventJson.read(e.value(), RunEvent.class);
        }).toList();
    }
}
