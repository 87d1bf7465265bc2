package io.taskmesh.notification.delivery;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import io.taskmesh.testing.Tokens;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A webhook leaves as soon as its delivery is stored, not at the worker's next tick: with the tick an hour away,
 * the deliveries of a burst of run events all arrive, each with its own id.
 */
@QuarkusTest
@TestProfile(DeliveryWakeTest.TickAnHourAway.class)
class DeliveryWakeTest {

    public static class TickAnHourAway implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("taskmesh.delivery.interval", "1h");
        }
    }

    @Test
    void storedDeliveriesAreSentWithoutWaitingForTheTick() throws Exception {
        List<String> ids = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            ids.add(exchange.getRequestHeaders().getFirst("webhook-id"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String task = "t-" + UUID.randomUUID();
            given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                    .body("{\"task\":\"%s\",\"events\":[\"SUCCEEDED\"],\"url\":\"http://127.0.0.1:%d/hook\"}"
                            .formatted(task, receiver.getAddress().getPort()))
                    .post("/api/v1/subscriptions").then().statusCode(201);
            List<String> sent = new CopyOnWriteArrayList<>();
            // more than an endpoint's sends in flight, so some wait for a slot and are claimed when one is given back
            for (int i = 0; i < 10; i++) {
                String runId = UUID.randomUUID().toString();
                String eventId = UUID.randomUUID().toString();
                sent.add(eventId);
                KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, eventId, RunStatus.SUCCEEDED.eventType(), runId,
                        EventJson.write(new RunEvent("acme", runId, task, 1, RunStatus.SUCCEEDED, 3, 1,
                                EventJson.readTree("1"), null, Instant.now())));
            }

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ids.size() >= sent.size());
            assertThat(ids).containsExactlyInAnyOrderElementsOf(sent);
        } finally {
            receiver.stop(0);
        }
    }
}
