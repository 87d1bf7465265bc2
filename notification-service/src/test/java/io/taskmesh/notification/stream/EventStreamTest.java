package io.taskmesh.notification.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import io.taskmesh.testing.Tokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EventStreamTest {

    record Event(String id, String type, JsonNode data) {
        String runId() {
            return data.path("data").path("runId").asText();
        }
    }

    /** An open stream; events are parsed as they come. */
    static final class Stream_ implements AutoCloseable {
        final List<Event> events = new CopyOnWriteArrayList<>();
        final int status;
        private final HttpResponse<Stream<String>> response;
        private final Thread reader;

        Stream_(URI uri, String user, String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
            if (user != null) {
                request.header("Authorization", "Bearer " + Tokens.of(user));
            }
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            response = HttpClient.newHttpClient().sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
                    .get(10, TimeUnit.SECONDS);
            status = response.statusCode();
            reader = Thread.ofVirtual().start(() -> {
                String[] current = new String[3];
                StringBuilder data = new StringBuilder();
                try {
                    response.body().forEach(line -> {
                        if (line.isEmpty()) {
                            if (current[0] != null) {
                                events.add(new Event(current[0], current[1], EventJson.readTree(data.toString())));
                            }
                            current[0] = null;
                            current[1] = null;
                            data.setLength(0);
                        } else if (line.startsWith("id:")) {
                            current[0] = line.substring(3).trim();
                        } else if (line.startsWith("event:")) {
                            current[1] = line.substring(6).trim();
                        } else if (line.startsWith("data:")) {
                            data.append(line.substring(5).trim());
                        }
                    });
                } catch (RuntimeException closed) {
                    // the test closed the stream
                }
            });
        }

        List<String> runIds() {
            return events.stream().map(Event::runId).toList();
        }

        @Override
        public void close() {
            response.body().close();
            reader.interrupt();
        }
    }

    @TestHTTPResource("/api/v1/events/stream")
    URI stream;

    private static void publish(String tenant, String task, RunStatus status, String runId) {
        RunEvent event = new RunEvent(tenant, runId, task, 1, status, 3, 1,
                status == RunStatus.SUCCEEDED ? EventJson.readTree("\"done\"") : null, null, Instant.now());
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(), event.type(), runId,
                EventJson.write(event));
    }

    private static String run() {
        return UUID.randomUUID().toString();
    }

    @Test
    void aStreamThatReconnectsWithLastEventIdGetsExactlyWhatItMissed() throws Exception {
        String task = "live-" + UUID.randomUUID();
        URI filtered = URI.create(stream + "?task=" + task + "&status=SUCCEEDED&status=failed");
        List<String> seen = List.of(run(), run());
        String lastId;
        try (Stream_ first = new Stream_(filtered, "alice", null)) {
            assertThat(first.status).isEqualTo(200);
            for (String runId : seen) {
                publish("acme", task, RunStatus.SUCCEEDED, runId);
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> first.events.size() >= 2);
            assertThat(first.runIds()).containsExactlyElementsOf(seen);
            Event last = first.events.getLast();
            assertThat(last.type()).isEqualTo(RunStatus.SUCCEEDED.eventType());
            assertThat(last.data().path("data").path("task").asText()).isEqualTo(task);
            assertThat(last.data().path("data").path("result").asText()).isEqualTo("done");
            lastId = last.id();
        }

        // while nobody listens: three that match, and three that do not (other tenant, task, status)
        List<String> missed = List.of(run(), run(), run());
        publish("acme", task, RunStatus.SUCCEEDED, missed.get(0));
        publish("globex", task, RunStatus.SUCCEEDED, run());
        publish("acme", task, RunStatus.FAILED, missed.get(1));
        publish("acme", "other-" + task, RunStatus.SUCCEEDED, run());
        publish("acme", task, RunStatus.RUNNING, run());
        publish("acme", task, RunStatus.SUCCEEDED, missed.get(2));

        try (Stream_ again = new Stream_(filtered, "alice", lastId)) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> again.events.size() >= 3);
            String live = run();
            publish("acme", task, RunStatus.SUCCEEDED, live);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> again.runIds().contains(live));
            assertThat(again.runIds()).containsExactly(missed.get(0), missed.get(1), missed.get(2), live);
            assertThat(again.events).allSatisfy(e -> assertThat(Long.parseLong(e.id())).isGreaterThan(Long.parseLong(lastId)));
            assertThat(again.events.stream().map(e -> Long.parseLong(e.id()))).isSorted();
        }
    }

    @Test
    void anotherTenantSeesNoneOfIt() throws Exception {
        String task = "live-" + UUID.randomUUID();
        try (Stream_ bob = new Stream_(URI.create(stream + "?task=" + task), "bob", "0");
                Stream_ vera = new Stream_(URI.create(stream + "?task=" + task), "vera", null)) {
            String runId = run();
            publish("acme", task, RunStatus.FAILED, runId);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> vera.runIds().contains(runId));
            String marker = run();
            publish("globex", task, RunStatus.FAILED, marker);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> bob.runIds().contains(marker));
            assertThat(bob.runIds()).containsExactly(marker);
            assertThat(vera.runIds()).containsExactly(runId);
        }
    }

    @Test
    void badFiltersAndAnonymousCallersAreRefused() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(stream + "?status=DONE"))
                .header("Authorization", "Bearer " + Tokens.of("alice")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(400);
        assertThat(status.body()).contains("\"field\":\"status\"");
        HttpResponse<String> lastId = http.send(HttpRequest.newBuilder(stream).header("Last-Event-ID", "yesterday")
                .header("Authorization", "Bearer " + Tokens.of("alice")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(lastId.statusCode()).isEqualTo(400);
        assertThat(lastId.body()).contains("\"field\":\"Last-Event-ID\"");
        assertThat(http.send(HttpRequest.newBuilder(stream).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(401);
    }
}
