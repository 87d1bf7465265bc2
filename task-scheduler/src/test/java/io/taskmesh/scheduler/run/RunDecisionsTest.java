package io.taskmesh.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunCommand;
import io.taskmesh.events.RunCreateCommand;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunRequest;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RunDecisionsTest {

    private static final String DEFINITION = """
            {"name":"review","objective":"Write a title","validation":{"externalValidationRequired":true},
             "steps":[{"id":"t","action":"transform","expression":"'A title'"}]}""";

    private static void create(String runId) {
        KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, runId, UUID.randomUUID().toString(), RunCreateCommand.TYPE,
                runId, EventJson.write(new RunCreateCommand("acme", "review", runId, 1, EventJson.readTree(DEFINITION),
                        EventJson.readTree("{}"), null, "alice")));
    }

    private static void command(String runId, String type, String content, Long seq) {
        KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, runId, UUID.randomUUID().toString(), type, runId,
                EventJson.write(new RunCommand("acme", runId, "alice", content, seq)));
    }

    private static void executorReports(String runId, RunStatus status, long seq, int attempt) {
        RunEvent event = new RunEvent("acme", runId, "review", 1, status, seq, attempt,
                EventJson.readTree("\"A title\""), null, Instant.now());
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(), event.type(), runId,
                EventJson.write(event));
    }

    private static RunEvent awaitStatus(KafkaProbe probe, String runId, RunStatus status) {
        return EventJson.read(probe.await(e -> runId.equals(e.key()) && status.eventType().equals(e.type()),
                Duration.ofSeconds(30)).value(), RunEvent.class);
    }

    @Test
    void feedbackSendsTheRunBackAsANewAttemptCarryingItAndValidateEndsIt() {
        String runId = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            create(runId);
            awaitStatus(probe, runId, RunStatus.QUEUED);
            executorReports(runId, RunStatus.RUNNING, 2, 1);
            executorReports(runId, RunStatus.AWAITING_VALIDATION, 3, 1);
            command(runId, RunCommand.FEEDBACK, "make it shorter", 3L);

            assertThat(awaitStatus(probe, runId, RunStatus.REVISE).seq()).isEqualTo(4);
            KafkaProbe.Event retry = probe.await(e -> runId.equals(e.key()) && e.topic().equals(Topics.RUN_REQUESTS)
                    && EventJson.read(e.value(), RunRequest.class).attempt() == 2, Duration.ofSeconds(30));
            RunRequest second = EventJson.read(retry.value(), RunRequest.class);
            assertThat(second.seq()).isEqualTo(5);
            assertThat(second.feedback()).extracting(RunRequest.Feedback::content).containsExactly("make it shorter");

            executorReports(runId, RunStatus.RUNNING, 6, 2);
            executorReports(runId, RunStatus.AWAITING_VALIDATION, 7, 2);
            command(runId, RunCommand.VALIDATE, null, 7L);
            RunEvent validated = awaitStatus(probe, runId, RunStatus.VALIDATED);
            assertThat(validated.seq()).isEqualTo(8);
            assertThat(validated.result().asText()).isEqualTo("A title");

            // a validate or cancel after the end changes nothing: the next event seen is a marker run's
            command(runId, RunCommand.CANCEL, null, 8L);
            String marker = UUID.randomUUID().toString();
            KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, runId, UUID.randomUUID().toString(), RunCreateCommand.TYPE,
                    marker, EventJson.write(new RunCreateCommand("acme", "review", marker, 1,
                            EventJson.readTree(DEFINITION), EventJson.readTree("{}"), null, "alice")));
            awaitStatus(probe, marker, RunStatus.QUEUED);
            assertThat(probe.seen(e -> runId.equals(e.key()) && RunStatus.CANCELLED.eventType().equals(e.type()))).isEmpty();
        }
    }

    @Test
    void aQueuedRunIsCancelledAtOnce() {
        String runId = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            create(runId);
            command(runId, RunCommand.CANCEL, null, null);
            RunEvent cancelled = awaitStatus(probe, runId, RunStatus.CANCELLED);
            assertThat(cancelled.seq()).isEqualTo(2);
            assertThat(cancelled.error().message()).contains("alice");
        }
    }
}
