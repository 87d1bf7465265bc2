package io.taskmesh.notification.delivery;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
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
import java.net.http.HttpHeaders;
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

@QuarkusTest
class WebhookDeliveryTest {

    record Hook(Map<String, List<String>> headers, String body) {
    }

    private HttpServer receiver;
    private final List<Hook> hooks = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger flakyCalls = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean downIsUp;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            hooks.add(new Hook(Map.copyOf(exchange.getRequestHeaders()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.createContext("/flaky", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(flakyCalls.incrementAndGet() <= 2 ? 500 : 200, -1);
            exchange.close();
        });
        receiver.createContext("/down", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(downIsUp ? 200 : 503, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private String subscribe(String task) {
        return subscribe(task, "/hook");
    }

    private String subscribe(String task, String path) {
        return given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"task\":\"%s\",\"events\":[\"SUCCEEDED\"],\"url\":\"http://127.0.0.1:%d%s\"}"
                        .formatted(task, receiver.getAddress().getPort(), path))
                .post("/api/v1/subscriptions").then().statusCode(201).extract().asString();
    }

    private static String event(String task, String runId, RunStatus status, long seq) {
        return EventJson.write(new RunEvent("acme", runId, task, 1, status, seq, 1,
                EventJson.readTree("42"), null, Instant.now()));
    }

    @Test
    void aMatchingEventIsDeliveredOnceSignedEvenWhenKafkaDeliversItTwice() throws Exception {
        String task = "t-" + UUID.randomUUID();
        JsonNode subscription = EventJson.readTree(subscribe(task));
        String runId = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();

        // not matching: other status, other task, other tenant
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(),
                RunStatus.RUNNING.eventType(), runId, event(task, runId, RunStatus.RUNNING, 2));
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(),
                RunStatus.SUCCEEDED.eventType(), runId, event("other", runId, RunStatus.SUCCEEDED, 3));
        // a malformed record in between: dead-lettered, the consumer goes on
        KafkaProbe.publish(Topics.RUN_EVENTS, runId, "{oops", Map.of());
        for (int i = 0; i < 2; i++) {
            KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, eventId, RunStatus.SUCCEEDED.eventType(), runId,
                    event(task, runId, RunStatus.SUCCEEDED, 3));
        }

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !hooks.isEmpty());
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(Tokens.of("alice"))
                        .get("/api/v1/subscriptions/" + subscription.get("id").asText() + "/deliveries")
                        .then().statusCode(200).body("size()", equalTo(1))
                        .body("[0].status", equalTo("DELIVERED")).body("[0].attempts", equalTo(1)));
        Thread.sleep(1000);
        assertThat(hooks).hasSize(1);
        Hook hook = hooks.getFirst();
        new Webhook(subscription.get("secret").asText()).verify(hook.body(), HttpHeaders.of(hook.headers(), (a, b) -> true));
        assertThat(hook.headers().get("Webhook-id")).containsExactly(eventId);
        JsonNode body = EventJson.readTree(hook.body());
        assertThat(body.path("data").path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(body.path("data").path("result").asInt()).isEqualTo(42);
    }

    @Test
    void anInvalidSubscriptionIsRefusedNamingEachField() {
        given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"events\":[\"DONE\"],\"url\":\"ftp://example\",\"channel\":\"pigeon\"}")
                .post("/api/v1/subscriptions")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItems("events[0]", "url", "channel"));
        given().contentType(ContentType.JSON).body("{}").post("/api/v1/subscriptions").then().statusCode(401);
    }

    @Test
    void anotherTenantsSubscriptionDoesNotExistForYou() {
        String id = EventJson.readTree(subscribe("t-" + UUID.randomUUID())).get("id").asText();
        given().auth().oauth2(Tokens.of("bob")).get("/api/v1/subscriptions/" + id + "/deliveries")
                .then().statusCode(404);
    }

    /** The value of {@code name} with {@code labels} on /q/metrics; 0 before its first sample. */
    private static double metric(String name, String labels) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(name)
                + "\\{([^}]*)\\} (\\S+)").matcher(metrics);
        while (m.find()) {
            if (m.group(1).contains(labels)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    @Test
    void aFailingEndpointIsRetriedWithBackoffUntilItAnswers() {
        double retrying = metric("taskmesh_deliveries_total", "channel=\"webhook\",outcome=\"retrying\"");
        double delivered = metric("taskmesh_deliveries_total", "channel=\"webhook\",outcome=\"delivered\"");
        double latencies = metric("taskmesh_delivery_latency_seconds_count", "channel=\"webhook\"");
        String task = "t-" + UUID.randomUUID();
        String id = EventJson.readTree(subscribe(task, "/flaky")).get("id").asText();
        String runId = UUID.randomUUID().toString();
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(),
                RunStatus.SUCCEEDED.eventType(), runId, event(task, runId, RunStatus.SUCCEEDED, 3));

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(Tokens.of("alice")).get("/api/v1/subscriptions/" + id + "/deliveries")
                        .then().body("[0].status", equalTo("DELIVERED")).body("[0].attempts", equalTo(3))
                        .body("[0].responseCode", equalTo(200)));
        assertThat(flakyCalls.get()).isEqualTo(3);
        // on the dashboard: two attempts that will be retried, one delivered, its latency
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(metric("taskmesh_deliveries_total", "channel=\"webhook\",outcome=\"retrying\"")).isGreaterThanOrEqualTo(retrying + 2);
            assertThat(metric("taskmesh_deliveries_total", "channel=\"webhook\",outcome=\"delivered\"")).isGreaterThanOrEqualTo(delivered + 1);
            assertThat(metric("taskmesh_delivery_latency_seconds_count", "channel=\"webhook\"")).isGreaterThanOrEqualTo(latencies + 1);
        });
    }

    @Test
    void aDeliveryThatNeverSucceedsIsDeadUntilRetriedByHand() {
        String task = "t-" + UUID.randomUUID();
        String id = EventJson.readTree(subscribe(task, "/down")).get("id").asText();
        String runId = UUID.randomUUID().toString();
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(),
                RunStatus.SUCCEEDED.eventType(), runId, event(task, runId, RunStatus.SUCCEEDED, 3));

        String deliveries = "/api/v1/subscriptions/" + id + "/deliveries";
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(Tokens.of("alice")).get(deliveries).then()
                        .body("[0].status", equalTo("DEAD")).body("[0].attempts", equalTo(3))
                        .body("[0].lastError", equalTo("HTTP 503")));
        String deliveryId = given().auth().oauth2(Tokens.of("alice")).get(deliveries).then().extract().path("[0].id");

        given().auth().oauth2(Tokens.of("bob")).post(deliveries + "/" + deliveryId + "/retry").then().statusCode(404);
        downIsUp = true;
        given().auth().oauth2(Tokens.of("alice")).post(deliveries + "/" + deliveryId + "/retry").then().statusCode(200)
                .body("status", equalTo("PENDING"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(Tokens.of("alice")).get(deliveries).then().body("[0].status", equalTo("DELIVERED")));
        given().auth().oauth2(Tokens.of("alice")).post(deliveries + "/" + deliveryId + "/retry").then().statusCode(409);
    }
}
