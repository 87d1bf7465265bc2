package io.taskmesh.notification.delivery;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EndpointIsolationTest {

    private HttpServer hanging;
    private HttpServer healthy;
    private HttpServer refusing;
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger hangingNow = new AtomicInteger();
    private final AtomicInteger hangingMax = new AtomicInteger();
    private final Map<String, Instant> arrived = new ConcurrentHashMap<>();

    @BeforeEach
    void startEndpoints() throws Exception {
        hanging = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hanging.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        hanging.createContext("/hook", exchange -> {
            // the client gives up at the delivery timeout; this side only counts requests that came in
            hangingMax.accumulateAndGet(hangingNow.incrementAndGet(), Math::max);
            try {
                Thread.sleep(Duration.ofSeconds(30)); // far past the delivery timeout
                exchange.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                hangingNow.decrementAndGet();
                exchange.close();
            }
        });
        hanging.start();
        healthy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        healthy.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        healthy.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            arrived.putIfAbsent(EventJson.readTree(body).path("data").path("runId").asText(), Instant.now());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        healthy.start();
        refusing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        refusing.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        refusing.createContext("/hook", exchange -> {
            refused.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(403, -1);
            exchange.close();
        });
        refusing.start();
    }

    @AfterEach
    void stopEndpoints() {
        hanging.stop(0);
        healthy.stop(0);
        refusing.stop(0);
    }

    private static String subscribe(String task, HttpServer endpoint) {
        return given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"task\":\"%s\",\"events\":[\"SUCCEEDED\"],\"url\":\"http://127.0.0.1:%d/hook\"}"
                        .formatted(task, endpoint.getAddress().getPort()))
                .post("/api/v1/subscriptions").then().statusCode(201).extract().path("id");
    }

    private static void succeed(String task, String runId) {
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(),
                RunStatus.SUCCEEDED.eventType(), runId, EventJson.write(new RunEvent("acme", runId, task, 1,
                        RunStatus.SUCCEEDED, 3, 1, EventJson.readTree("1"), null, Instant.now())));
    }

    @Test
    void aHangingEndpointNeverDelaysAHealthyOne() {
        String slowTask = "slow-" + UUID.randomUUID();
        String fastTask = "fast-" + UUID.randomUUID();
        String slowId = subscribe(slowTask, hanging);
        subscribe(fastTask, healthy);
        // the consumer is up once a healthy delivery arrives
        String warmUp = UUID.randomUUID().toString();
        succeed(fastTask, warmUp);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> arrived.containsKey(warmUp));

        for (int i = 0; i < 10; i++) {
            succeed(slowTask, UUID.randomUUID().toString());
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> hangingNow.get() >= 4);
        Awaitility.await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> hangingMax.get() == 4);

        for (int i = 0; i < 3; i++) {
            String runId = UUID.randomUUID().toString();
            Instant published = Instant.now();
            succeed(fastTask, runId);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> arrived.containsKey(runId));
            assertThat(Duration.between(published, arrived.get(runId)))
                    .as("event to delivery while the other endpoint hangs").isLessThan(Duration.ofSeconds(3));
        }

        // the hanging endpoint's deliveries time out and are retried, not delivered
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Map<String, Object>> history = given().auth().oauth2(Tokens.of("alice"))
                    .get("/api/v1/subscriptions/" + slowId + "/deliveries").then().statusCode(200)
                    .extract().jsonPath().getList("$");
            assertThat(history).hasSize(10).noneMatch(d -> "DELIVERED".equals(d.get("status")))
                    .anyMatch(d -> "PENDING".equals(d.get("status")) && ((Integer) d.get("attempts")) >= 1
                            && String.valueOf(d.get("lastError")).contains("timeout"));
        });
        String runId = UUID.randomUUID().toString();
        Instant published = Instant.now();
        succeed(fastTask, runId);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> arrived.containsKey(runId));
        assertThat(Duration.between(published, arrived.get(runId))).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aBacklogOfRetriesAtARefusingEndpointNeverStarvesAnother() {
        String refusedTask = "refused-" + UUID.randomUUID();
        String fastTask = "fast-" + UUID.randomUUID();
        subscribe(refusedTask, refusing);
        subscribe(fastTask, healthy);
        String warmUp = UUID.randomUUID().toString();
        succeed(fastTask, warmUp);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> arrived.containsKey(warmUp));

        // hundreds of deliveries due at an endpoint that answers 403 at once, older than anything after them
        for (int i = 0; i < 300; i++) {
            succeed(refusedTask, UUID.randomUUID().toString());
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> refused.get() >= 12);

        for (int i = 0; i < 3; i++) {
            String runId = UUID.randomUUID().toString();
            Instant published = Instant.now();
            succeed(fastTask, runId);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> arrived.containsKey(runId));
            assertThat(Duration.between(published, arrived.get(runId)))
                    .as("event to delivery behind another endpoint's backlog").isLessThan(Duration.ofSeconds(3));
        }
    }
}
