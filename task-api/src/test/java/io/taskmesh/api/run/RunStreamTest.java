package io.taskmesh.api.run;

import static io.taskmesh.api.ApiFixtures.as;
import static io.taskmesh.api.ApiFixtures.doubleTask;
import static io.taskmesh.api.ApiFixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RunStreamTest {

    @TestHTTPResource("/api/v1/runs/stream")
    URI stream;

    @Test
    void aDashboardFollowsItsTenantsRunsLiveAndSeesNoOtherTenants() throws Exception {
        String task = uniqueName("live");
        as("alice").contentType(ContentType.JSON).body(doubleTask(task)).post("/api/v1/tasks").then().statusCode(201);
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(stream + "?task=" + task))
                .header("Authorization", "Bearer " + Tokens.of("alice")).header("Accept", "text/event-stream").build();
        CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> response =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        HttpResponse<java.util.stream.Stream<String>> open = response.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(open.statusCode()).isEqualTo(200);
        Thread reader = Thread.ofVirtual().start(() -> open.body().forEach(lines::add));
        try {
            String runId = UUID.randomUUID().toString();
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                // the live consumer joins from the end of the topic: keep announcing until it shows
                publish("acme", task, runId);
                return lines.stream().anyMatch(l -> l.startsWith("data:") && l.contains(runId));
            });
            publish("globex", task, UUID.randomUUID().toString());
            publish("acme", "some-other-task", UUID.randomUUID().toString());
            String marker = UUID.randomUUID().toString();
            publish("acme", task, marker);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> lines.stream().anyMatch(l -> l.contains(marker)));

            assertThat(lines).filteredOn(l -> l.startsWith("data:")).allSatisfy(l -> {
                assertThat(l).contains("\"tenant\":\"acme\"").contains("\"task\":\"" + task + "\"");
            });
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("id:").contains(runId));
            assertThat(lines).anySatisfy(l -> assertThat(l).isEqualTo("event:" + RunStatus.RUNNING.eventType()));
        } finally {
            open.body().close();
            reader.interrupt();
        }
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(stream).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    private static void publish(String tenant, String task, String runId) {
        RunEvent event = new RunEvent(tenant, runId, task, 1, RunStatus.RUNNING, 2, 1, null, null, Instant.now());
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(), event.type(), runId,
                EventJson.write(event));
    }
}
