package io.taskmesh.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import io.taskmesh.events.EventJson;
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
class RunSupervisionTest {

    private static void create(String runId, String limits) {
        String definition = "{\"name\":\"flaky\",\"objective\":\"Fail sometimes\",\"limits\":" + limits + "}";
        KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, runId, UUID.randomUUID().toString(), RunCreateCommand.TYPE,
                runId, EventJson.write(new RunCreateCommand("acme", "flaky", runId, 1, EventJson.readTree(definition),
                        EventJson.readTree("{}"), null, "alice")));
    }

    private static void executorReports(String runId, RunStatus status, long seq, int attempt) {
        RunEvent event = new RunEvent("acme", runId, "flaky", 1, status, seq, attempt, null,
                status == RunStatus.FAILED ? new RunEvent.RunError("boom", "it broke") : null, Instant.now());
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(), event.type(), runId,
                EventJson.write(event));
    }

    private static RunRequest awaitAttempt(KafkaProbe probe, String runId, int attempt) {
        return awaitAttempt(probe, runId, attempt, Duration.ofSeconds(20));
    }

    private static RunRequest awaitAttempt(KafkaProbe probe, String runId, int attempt, Duration timeout) {
        return EventJson.read(probe.await(e -> runId.equals(e.key()) && e.topic().equals(Topics.RUN_REQUESTS)
                && EventJson.read(e.value(), RunRequest.class).attempt() == attempt, timeout).value(), RunRequest.class);
    }

    @Test
    void aFailedAttemptIsRetriedWithBackoffUntilMaxAttempts() {
        String runId = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            create(runId, "{\"maxAttempts\":3,\"backoff\":{\"initialSeconds\":0.2,\"maxSeconds\":1}}");
            assertThat(awaitAttempt(probe, runId, 1).seq()).isEqualTo(1);

            executorReports(runId, RunStatus.RUNNING, 2, 1);
            executorReports(runId, RunStatus.FAILED, 3, 1);
            RunRequest second = awaitAttempt(probe, runId, 2);
            assertThat(second.seq()).isEqualTo(4);

            executorReports(runId, RunStatus.RUNNING, 5, 2);
            executorReports(runId, RunStatus.FAILED, 6, 2);
            assertThat(awaitAttempt(probe, runId, 3).seq()).isEqualTo(7);

            executorReports(runId, RunStatus.RUNNING, 8, 3);
            executorReports(runId, RunStatus.FAILED, 9, 3);
            // attempts are used up: no fourth comes in several rounds of the supervisor (max backoff is 1 s)
            assertThatThrownBy(() -> awaitAttempt(probe, runId, 4, Duration.ofSeconds(4)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("no matching record");
        }
    }

    @Test
    void aRunPastItsDeadlineTimesOutEvenWithNoExecutorAlive() {
        String runId = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            create(runId, "{\"maxDurationSeconds\":1}");
            RunEvent timedOut = EventJson.read(probe.await(e -> runId.equals(e.key())
                    && RunStatus.TIMED_OUT.eventType().equals(e.type()), Duration.ofSeconds(20)).value(), RunEvent.class);
            assertThat(timedOut.seq()).isEqualTo(2);
            assertThat(timedOut.error().code()).isEqualTo("timed-out");
        }
    }
}
