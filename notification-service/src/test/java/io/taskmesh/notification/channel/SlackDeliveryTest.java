package io.taskmesh.notification.channel;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import io.taskmesh.testing.Tokens;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A receiver shaped like Slack's incoming webhooks: a secret path, JSON in, "ok" out. */
@QuarkusTest
class SlackDeliveryTest {

    record Post(Map<String, List<String>> headers, JsonNode body) {
    }

    private HttpServer slack;
    private final List<Post> posts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startSlack() throws Exception {
        slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slack.createContext("/services/T0001/B0001/s3cr3t", exchange -> {
            posts.add(new Post(Map.copyOf(exchange.getRequestHeaders()),
                    EventJson.readTree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))));
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        slack.start();
    }

    @AfterEach
    void stopSlack() {
        slack.stop(0);
    }

    private String subscribe(String task) {
        return given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"task\":\"%s\",\"events\":[\"SUCCEEDED\",\"FAILED\"],\"channel\":\"slack\",\"url\":\"http://127.0.0.1:%d/services/T0001/B0001/s3cr3t\"}"
                        .formatted(task, slack.getAddress().getPort()))
                .post("/api/v1/subscriptions").then().statusCode(201)
                .body("channel", equalTo("slack")).body("secret", nullValue()).extract().path("id");
    }

    private static void publish(RunEvent event) {
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, event.runId(), UUID.randomUUID().toString(),
                event.status().eventType(), event.runId(), EventJson.write(event));
    }

    private Post postAbout(String task) {
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> posts.stream().anyMatch(p -> p.body().path("text").asText().contains(task)));
        return posts.stream().filter(p -> p.body().path("text").asText().contains(task)).findFirst().orElseThrow();
    }

    @Test
    void aSucceededRunIsPostedAsAFormattedMessageWithEscapedResult() {
        String task = "slack-" + UUID.randomUUID();
        String id = subscribe(task);
        String runId = UUID.randomUUID().toString();
        String longTail = "x".repeat(4000);
        publish(new RunEvent("acme", runId, task, 3, RunStatus.SUCCEEDED, 3, 1,
                EventJson.readTree("\"ping <!channel> & <http://evil.example|click>" + longTail + "\""), null,
                Instant.now()));

        Post post = postAbout(task);
        assertThat(post.headers().get("Content-type")).containsExactly("application/json");
        assertThat(post.headers()).doesNotContainKey("Webhook-signature");
        JsonNode message = post.body();
        String link = "http://127.0.0.1:8080/api/v1/runs/" + runId;
        assertThat(message.path("text").asText())
                .isEqualTo(":white_check_mark: " + task + ": SUCCEEDED (run " + runId.substring(0, 8) + ")");
        JsonNode blocks = message.path("blocks");
        assertThat(blocks.get(0).path("type").asText()).isEqualTo("section");
        assertThat(blocks.get(0).path("text").path("type").asText()).isEqualTo("mrkdwn");
        assertThat(blocks.get(0).path("text").path("text").asText())
                .isEqualTo(":white_check_mark: *" + task + "* succeeded — run <" + link + "|" + runId.substring(0, 8) + ">");
        assertThat(blocks.get(1).path("fields").findValuesAsText("text"))
                .contains("*Task*\n" + task + " (version 3)", "*Status*\n:white_check_mark: SUCCEEDED", "*Attempt*\n1");
        String result = blocks.get(2).path("text").path("text").asText();
        assertThat(result).startsWith("*Result*\n```ping &lt;!channel&gt; &amp; &lt;http://evil.example|click&gt;")
                .doesNotContain("<!channel>").endsWith("…```");
        assertThat(result.length()).isLessThan(3000);
        assertThat(blocks.get(blocks.size() - 1).path("type").asText()).isEqualTo("context");

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().auth().oauth2(Tokens.of("alice")).get("/api/v1/subscriptions/" + id + "/deliveries")
                        .then().body("[0].status", equalTo("DELIVERED")).body("[0].responseCode", equalTo(200)));
    }

    @Test
    void aFailedRunShowsItsError() {
        String task = "slack-" + UUID.randomUUID();
        subscribe(task);
        String runId = UUID.randomUUID().toString();
        publish(new RunEvent("acme", runId, task, 1, RunStatus.FAILED, 4, 2, null,
                new RunEvent.RunError("result-invalid", "$.title: is missing"), Instant.now()));

        JsonNode message = postAbout(task).body();
        assertThat(message.path("text").asText()).startsWith(":x: " + task + ": FAILED");
        List<String> sections = new java.util.ArrayList<>();
        message.path("blocks").forEach(block -> sections.add(block.path("text").path("text").asText()));
        assertThat(sections).contains("*Error* `result-invalid`: $.title: is missing");
    }

    @Test
    void aSlackSubscriptionNeedsAUrl() {
        given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"events\":[\"FAILED\"],\"channel\":\"slack\"}")
                .post("/api/v1/subscriptions").then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItems("url"));
    }
}
