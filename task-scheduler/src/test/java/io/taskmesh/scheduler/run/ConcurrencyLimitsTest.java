package io.taskmesh.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunCommand;
import io.taskmesh.events.RunCreateCommand;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunHeartbeat;
import io.taskmesh.events.RunRequest;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code limits.maxConcurrentRuns} with each {@code concurrencyPolicy}, the tenant-wide limit, and a slot released
 * when the executor holding it dies. The executor is played by the test (its events on the run-events topic).
 * Each test uses a task of its own: slots are counted per task.
 */
@QuarkusTest
class ConcurrencyLimitsTest {

    private static final Duration NOT_YET = Duration.ofSeconds(3);

    private static String create(String tenant, String task, String limits) {
        String runId = UUID.randomUUID().toString();
        String definition = "{\"name\":\"" + task + "\",\"objective\":\"One at a time\",\"limits\":" + limits + "}";
        KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, runId, UUID.randomUUID().toString(), RunCreateCommand.TYPE,
                runId, EventJson.write(new RunCreateCommand(tenant, task, runId, 1, EventJson.readTree(definition),
                        EventJson.readTree("{}"), null, "alice")));
        return runId;
    }

    private static void executorReports(String tenant, String task, String runId, RunStatus status, long seq) {
        RunEvent event = new RunEvent(tenant, runId, task, 1, status, seq, 1, null, null, Instant.now());
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(), event.type(), runId,
                EventJson.write(event));
    }

    private static RunRequest awaitRequest(KafkaProbe probe, String runId) {
        return EventJson.read(probe.await(e -> runId.equals(e.key()) && e.topic().equals(Topics.RUN_REQUESTS),
                Duration.ofSeconds(20)).value(), RunRequest.class);
    }

    private static RunEvent awaitStatus(KafkaProbe probe, String runId, RunStatus status) {
        return EventJson.read(probe.await(e -> runId.equals(e.key()) && status.eventType().equals(e.type()),
                Duration.ofSeconds(20)).value(), RunEvent.class);
    }

    private static boolean requested(KafkaProbe probe, String runId) {
        return !probe.seen(e -> runId.equals(e.key()) && e.topic().equals(Topics.RUN_REQUESTS)).isEmpty();
    }

    private static String task(String kind) {
        return kind + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void queuedRunsWaitReadyAndStartOldestFirstAsSlotsFree() {
        String task = task("queue");
        String limits = "{\"maxConcurrentRuns\":1}";
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            String first = create("acme", task, limits);
            awaitRequest(probe, first);
            String second = create("acme", task, limits);
            RunEvent waiting = awaitStatus(probe, second, RunStatus.READY);
            assertThat(waiting.details().path("waitingFor").asText()).isEqualTo("concurrency-slot");
            assertThat(waiting.details().path("reason").asText()).contains("has 1 runs in progress");
            String third = create("acme", task, limits);
            awaitStatus(probe, third, RunStatus.READY);
            probe.watchFor(NOT_YET);
            assertThat(requested(probe, second)).as("the second run waits while the first is in progress").isFalse();

            // the first runs, waits for nobody; it ends: the second (not the third) takes its slot
            executorReports("acme", task, first, RunStatus.RUNNING, 2);
            probe.watchFor(Duration.ofSeconds(1));
            assertThat(requested(probe, second)).isFalse();
            executorReports("acme", task, first, RunStatus.SUCCEEDED, 3);
            RunRequest next = awaitRequest(probe, second);
            assertThat(next.attempt()).isEqualTo(1);
            assertThat(next.seq()).as("PENDING was never announced: READY (1), QUEUED (2)").isEqualTo(2);
            probe.watchFor(NOT_YET);
            assertThat(requested(probe, third)).isFalse();

            // a failure releases the slot as well
            executorReports("acme", task, second, RunStatus.RUNNING, 3);
            executorReports("acme", task, second, RunStatus.FAILED, 4);
            awaitRequest(probe, third);
        }
    }

    @Test
    void aRunOfATaskWithoutAFreeSlotIsSkippedUnderTheSkipPolicy() {
        String task = task("skip");
        String limits = "{\"maxConcurrentRuns\":1,\"concurrencyPolicy\":\"skip\"}";
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            String first = create("acme", task, limits);
            awaitRequest(probe, first);
            String second = create("acme", task, limits);
            RunEvent skipped = awaitStatus(probe, second, RunStatus.SKIPPED);
            assertThat(skipped.error().code()).isEqualTo("concurrency-limit");
            assertThat(skipped.error().message()).contains("maxConcurrentRuns").contains("skip");
            executorReports("acme", task, first, RunStatus.RUNNING, 2);
            executorReports("acme", task, first, RunStatus.SUCCEEDED, 3);
            awaitStatus(probe, first, RunStatus.SUCCEEDED);
            probe.watchFor(Duration.ofSeconds(2));
            assertThat(requested(probe, second)).as("a skipped run never starts").isFalse();

            // with the slot free again, the next run starts at once
            String third = create("acme", task, limits);
            awaitRequest(probe, third);
        }
    }

    @Test
    void cancelPreviousCancelsTheOldestRunInProgressAndStartsTheNewOne() {
        String task = task("latest");
        String limits = "{\"maxConcurrentRuns\":2,\"concurrencyPolicy\":\"cancel-previous\"}";
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            String oldest = create("acme", task, limits);
            awaitRequest(probe, oldest);
            executorReports("acme", task, oldest, RunStatus.RUNNING, 2);
            awaitStatus(probe, oldest, RunStatus.RUNNING);
            String second = create("acme", task, limits);
            awaitRequest(probe, second);

            String newest = create("acme", task, limits);
            RunEvent cancelled = awaitStatus(probe, oldest, RunStatus.CANCELLED);
            assertThat(cancelled.error().message()).contains(newest).contains("cancel-previous");
            assertThat(cancelled.seq()).isEqualTo(3);
            awaitRequest(probe, newest);
            probe.watchFor(Duration.ofSeconds(1));
            assertThat(probe.seen(e -> second.equals(e.key()) && RunStatus.CANCELLED.eventType().equals(e.type())))
                    .as("only as many runs as it takes to free one slot").isEmpty();
        }
    }

    /** The lease is 2 s in the test profile. */
    @Test
    void theSlotOfARunWhoseExecutorDiedIsReleasedWhenItsLeaseRunsOut() {
        String task = task("lease");
        String limits = "{\"maxConcurrentRuns\":1}";
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            String holder = create("acme", task, limits);
            awaitRequest(probe, holder);
            executorReports("acme", task, holder, RunStatus.RUNNING, 2);
            awaitStatus(probe, holder, RunStatus.RUNNING);
            KafkaProbe.publishCloudEvent(Topics.RUN_CONTROL, holder, UUID.randomUUID().toString(), RunHeartbeat.TYPE, holder,
                    EventJson.write(new RunHeartbeat("acme", holder, 1, "executor-that-dies", Instant.now())));
            String waiter = create("acme", task, limits);
            awaitStatus(probe, waiter, RunStatus.READY);

            // no more heartbeats: the holder is failed for its lost lease, and its slot goes to the waiting run
            RunEvent failed = awaitStatus(probe, holder, RunStatus.FAILED);
            assertThat(failed.error().code()).isEqualTo("lease-expired");
            awaitRequest(probe, waiter);
        }
    }

    /** The test profile limits the tenant "capped" to 2 runs in progress, over all its tasks. */
    @Test
    void theTenantLimitCountsTheRunsOfAllItsTasks() {
        List<String> tasks = List.of(task("a"), task("b"), task("c"), task("d"));
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            List<String> runs = new ArrayList<>();
            for (String task : tasks) {
                runs.add(create("capped", task, "{}"));
            }
            awaitRequest(probe, runs.get(0));
            awaitRequest(probe, runs.get(1));
            awaitStatus(probe, runs.get(2), RunStatus.READY);
            awaitStatus(probe, runs.get(3), RunStatus.READY);
            probe.watchFor(NOT_YET);
            assertThat(runs.stream().filter(run -> requested(probe, run))).hasSize(2);

            executorReports("capped", tasks.get(1), runs.get(1), RunStatus.RUNNING, 2);
            executorReports("capped", tasks.get(1), runs.get(1), RunStatus.SUCCEEDED, 3);
            awaitRequest(probe, runs.get(2));
            probe.watchFor(NOT_YET);
            assertThat(requested(probe, runs.get(3))).isFalse();
            // cancelling a run in progress releases its slot too
            KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, runs.get(0), UUID.randomUUID().toString(), RunCommand.CANCEL,
                    runs.get(0), EventJson.write(new RunCommand("capped", runs.get(0), "alice", null, null)));
            awaitStatus(probe, runs.get(0), RunStatus.CANCELLED);
            awaitRequest(probe, runs.get(3));
        }
    }

    @Test
    void aBurstOfRunsNeverTakesMoreSlotsThanTheLimit() {
        String task = task("burst");
        String limits = "{\"maxConcurrentRuns\":3}";
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                runs.add(create("acme", task, limits));
            }
            for (String run : runs) {
                probe.await(e -> run.equals(e.key()) && e.topic().equals(Topics.RUN_EVENTS), Duration.ofSeconds(20));
            }
            probe.watchFor(NOT_YET);
            List<String> started = runs.stream().filter(run -> requested(probe, run)).toList();
            assertThat(started).hasSize(3);
            // each that ends lets exactly one more in, until all twelve ran
            List<String> done = new ArrayList<>();
            while (done.size() < runs.size()) {
                List<String> inProgress = runs.stream().filter(run -> requested(probe, run) && !done.contains(run)).toList();
                assertThat(inProgress.size()).isLessThanOrEqualTo(3);
                String next = inProgress.getFirst();
                long queued = awaitRequest(probe, next).seq();
                executorReports("acme", task, next, RunStatus.RUNNING, queued + 1);
                executorReports("acme", task, next, RunStatus.SUCCEEDED, queued + 2);
                done.add(next);
                int expected = Math.min(runs.size(), done.size() + 3);
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (runs.stream().filter(run -> requested(probe, run)).count() < expected && System.nanoTime() < deadline) {
                    probe.watchFor(Duration.ofMillis(200));
                }
                assertThat(runs.stream().filter(run -> requested(probe, run)).count()).isEqualTo(expected);
            }
        }
    }
}
