package io.taskmesh.executor.run;

import static io.taskmesh.executor.ExecutorRuns.cancelled;
import static io.taskmesh.executor.ExecutorRuns.events;
import static io.taskmesh.executor.ExecutorRuns.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunHeartbeat;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs side by side, stopped when cancelled elsewhere, and never carried out twice for one request. */
@QuarkusTest
class RunControlTest {

    @Inject
    RunSlots slots;

    private HttpServer receiver;
    private final AtomicInteger hits = new AtomicInteger();

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private String receiverUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/side-effect";
    }

    @Test
    void aCancelledRunStopsWithinASecondAndDoesNothingMore() {
        String runId = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            request(runId, """
                    {"name":"t","objective":"Wait, then call",
                     "steps":[{"id":"wait","action":"delay","seconds":20},
                              {"id":"call","action":"http","method":"POST","url":"%s"}]}""".formatted(receiverUrl()), "{}");
            events(probe, runId, RunStatus.RUNNING);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> slots.running() > 0);
            // the dashboard sees it executing, out of the configured slots
            String metrics = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(metrics).containsPattern("(?m)^taskmesh_executor_runs_active(\\{[^}]*\\})? [1-9]")
                    .containsPattern("(?m)^taskmesh_executor_slots(\\{[^}]*\\})? [1-9]")
                    .containsPattern("(?m)^taskmesh_executor_runs_waiting(\\{[^}]*\\})? 0");
            // while it runs, its heartbeats keep task-scheduler's lease on the attempt
            try (KafkaProbe control = KafkaProbe.watch(Topics.RUN_CONTROL)) {
                KafkaProbe.Event beat = control.await(e -> runId.equals(e.key()) && RunHeartbeat.TYPE.equals(e.type()),
                        Duration.ofSeconds(8));
                RunHeartbeat heartbeat = EventJson.read(beat.value(), RunHeartbeat.class);
                assertThat(heartbeat.attempt()).isEqualTo(1);
                assertThat(heartbeat.worker()).startsWith("task-executor-");
            }

            Instant cancelledAt = Instant.now();
            cancelled(runId, 3);
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> slots.running() == 0);
            Duration stoppedAfter = Duration.between(cancelledAt, Instant.now());

            assertThat(stoppedAfter).isLessThan(Duration.ofSeconds(2));
            // a marker run on the same partition shows the executor has gone on; the cancelled one said nothing more
            String marker = UUID.randomUUID().toString();
            request(runId, marker, """
                    {"name":"t","objective":"Mark","steps":[{"id":"m","action":"transform","expression":"1"}]}""", "{}", null, null);
            events(probe, marker, RunStatus.SUCCEEDED);
            List<RunEvent> events = probe.seen(e -> runId.equals(e.key()) && e.topic().equals(Topics.RUN_EVENTS)).stream()
                    .map(e -> EventJson.read(e.value(), RunEvent.class))
                    .filter(e -> e.runId().equals(runId)).toList();
            assertThat(events).extracting(RunEvent::status).containsExactly(RunStatus.RUNNING, RunStatus.CANCELLED);
            assertThat(hits.get()).isZero();
        }
    }

    @Test
    void aSlowRunDoesNotHoldUpTheNextOneOnTheSamePartition() {
        String slow = UUID.randomUUID().toString();
        String fast = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            request(slow, """
                    {"name":"t","objective":"Slow","steps":[{"id":"wait","action":"delay","seconds":4}]}""", "{}");
            request(slow, fast, """
                    {"name":"t","objective":"Fast","steps":[{"id":"m","action":"transform","expression":"2"}]}""", "{}", null, null);

            events(probe, fast, RunStatus.SUCCEEDED);
            assertThat(probe.seen(e -> e.value().contains(slow) && RunStatus.SUCCEEDED.eventType().equals(e.type()))).isEmpty();
            events(probe, slow, RunStatus.SUCCEEDED);
        }
    }

    @Test
    void aRedeliveredRequestIsNotCarriedOutTwice() {
        String runId = UUID.randomUUID().toString();
        String definition = """
                {"name":"t","objective":"Call once","steps":[{"id":"call","action":"http","method":"POST","url":"%s"}]}"""
                .formatted(receiverUrl());
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            request(runId, definition, "{}");
            request(runId, definition, "{}");
            events(probe, runId, RunStatus.SUCCEEDED);
            String marker = UUID.randomUUID().toString();
            request(runId, marker, """
                    {"name":"t","objective":"Mark","steps":[{"id":"m","action":"transform","expression":"1"}]}""", "{}", null, null);
            events(probe, marker, RunStatus.SUCCEEDED);

            assertThat(hits.get()).isEqualTo(1);
            assertThat(probe.seen(e -> e.value().contains(runId) && RunStatus.SUCCEEDED.eventType().equals(e.type()))).hasSize(1);
        }
    }
}
