package io.taskmesh.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunCreateCommand;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunHeartbeat;
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

    private static void heartbeat(String runId, int attempt) {
        KafkaProbe.publishCloudEvent(Topics.RUN_CONTROL, runId, UUID.randomUUID().toString(), RunHeartbeat.TYPE, runId,
                EventJson.write(new RunHeartbeat("acme", runId, attempt, "executor-under-test", Instant.now())));
    }

    private static RunEvent awaitStatus(KafkaProbe probe, String runId, RunStatus status, Duration timeout) {
        return EventJson.read(probe.await(e -> runId.equals(e.key()) && status.eventType().equals(e.type()), timeout).value(),
                RunEvent.class);
    }

    /** The lease is 2 s in the test profile (60 s by default). */
    @Test
    void aRunWhoseHeartbeatsStopIsTakenAgainAsANewAttemptAndALateResultOfTheLostOneIsIgnored() {
        String runId = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            create(runId, "{\"maxAttempts\":2}");
            awaitAttempt(probe, runId, 1);
            executorReports(runId, RunStatus.RUNNING, 2, 1);
            probe.await(e -> runId.equals(e.key()) && RunStatus.RUNNING.eventType().equals(e.type()), Duration.ofSeconds(10));
            Instant lastBeat = Instant.now();
            heartbeat(runId, 1);
            // heartbeats keep the attempt's lease while it runs, well past one lease
            for (int i = 0; i < 4; i++) {
                probe.watchFor(Duration.ofSeconds(1));
                lastBeat = Instant.now();
                heartbeat(runId, 1);
            }
            assertThat(probe.seen(e -> runId.equals(e.key()) && RunStatus.QUEUED.eventType().equals(e.type()))).hasSize(1);

            // then they stop: the executor is gone
            RunRequest second = awaitAttempt(probe, runId, 2, Duration.ofSeconds(15));
            Duration noticed = Duration.between(lastBeat, Instant.now());
            assertThat(noticed).as("from the last heartbeat to the next attempt").isBetween(Duration.ofSeconds(2), Duration.ofSeconds(6));
            // RUNNING (2) went straight to QUEUED (3): the attempt was lost, not failed
            assertThat(second.seq()).isEqualTo(3);

            // the lost attempt finishes after all: too late, it is not the run's attempt any more
            executorReports(runId, RunStatus.SUCCEEDED, 3, 1);
            executorReports(runId, RunStatus.RUNNING, 4, 2);
            heartbeat(runId, 1);
            executorReports(runId, RunStatus.SUCCEEDED, 5, 2);
            assertThat(probe.watchFor(Duration.ofSeconds(1)).seen(e -> runId.equals(e.key()) && e.topic().equals(Topics.RUN_EVENTS)
                    && RunStatus.FAILED.eventType().equals(e.type()))).isEmpty();
        }
    }

    @Test
    void aRunWhoseHeartbeatsStopWithNoAttemptLeftFailsWithLeaseExpired() {
        String runId = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            create(runId, "{}");
            awaitAttempt(probe, runId, 1);
            executorReports(runId, RunStatus.RUNNING, 2, 1);
            probe.await(e -> runId.equals(e.key()) && RunStatus.RUNNING.eventType().equals(e.type()), Duration.ofSeconds(10));
            heartbeat(runId, 1);
            RunEvent failed = awaitStatus(probe, runId, RunStatus.FAILED, Duration.ofSeconds(15));
            assertThat(failed.error().code()).isEqualTo("lease-expired");
            assertThat(failed.error().message()).contains("no heartbeat from the executor of attempt 1");
            assertThat(failed.attempt()).isEqualTo(1);
        }
    }

    @Test
    void aLateSuccessOfAnAttemptThatFailedCancelsItsRetryAndTheSupervisorGoesOnForOtherRuns() {
        String flaky = UUID.randomUUID().toString();
        String slow = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            create(flaky, "{\"maxAttempts\":3,\"backoff\":{\"initialSeconds\":2,\"maxSeconds\":2}}");
            awaitAttempt(probe, flaky, 1);
            executorReports(flaky, RunStatus.RUNNING, 2, 1);
            executorReports(flaky, RunStatus.FAILED, 3, 1);
            // the same attempt's success arrives after its failure: the run SUCCEEDED, no retry is due any more
            executorReports(flaky, RunStatus.SUCCEEDED, 4, 1);

            // the supervisor still times out other runs (it used to fail on the first row, every second)
            create(slow, "{\"maxDurationSeconds\":3}");
            RunEvent timedOut = awaitStatus(probe, slow, RunStatus.TIMED_OUT, Duration.ofSeconds(20));
            assertThat(timedOut.error().code()).isEqualTo("timed-out");
            assertThatThrownBy(() -> awaitAttempt(probe, flaky, 2, Duration.ofSeconds(2)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("no matching record");
        }
    }
}
