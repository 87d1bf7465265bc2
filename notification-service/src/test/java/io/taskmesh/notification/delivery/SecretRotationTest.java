package io.taskmesh.notification.delivery;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
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
class SecretRotationTest {

    record Hook(Map<String, List<String>> headers, String body) {
        HttpHeaders httpHeaders() {
            return HttpHeaders.of(headers, (a, b) -> true);
        }
    }

    private HttpServer receiver;
    private final List<Hook> hooks = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            hooks.add(new Hook(Map.copyOf(exchange.getRequestHeaders()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private Hook deliver(String task) {
        String runId = UUID.randomUUID().toString();
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(),
                RunStatus.SUCCEEDED.eventType(), runId, EventJson.write(new RunEvent("acme", runId, task, 1,
                        RunStatus.SUCCEEDED, 3, 1, EventJson.readTree("7"), null, Instant.now())));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> hooks.stream().anyMatch(h -> h.body().contains(runId)));
        return hooks.stream().filter(h -> h.body().contains(runId)).findFirst().orElseThrow();
    }

    @Test
    void afterARotationDeliveriesAreSignedWithTheNewAndTheOldSecret() throws Exception {
        String task = "rotate-" + UUID.randomUUID();
        var created = given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"task\":\"%s\",\"events\":[\"SUCCEEDED\"],\"url\":\"http://127.0.0.1:%d/hook\"}"
                        .formatted(task, receiver.getAddress().getPort()))
                .post("/api/v1/subscriptions").then().statusCode(201).extract();
        String id = created.path("id");
        String oldSecret = created.path("secret");
        Hook before = deliver(task);
        new Webhook(oldSecret).verify(before.body(), before.httpHeaders());
        assertThat(before.headers().get("Webhook-signature").getFirst().split(" ")).hasSize(1);

        String newSecret = given().auth().oauth2(Tokens.of("alice")).post("/api/v1/subscriptions/" + id + "/secret/rotate")
                .then().statusCode(200).body("id", equalTo(id)).body("secret", startsWith("whsec_"))
                .body("previousSecretExpiresAt", notNullValue()).extract().path("secret");
        assertThat(newSecret).isNotEqualTo(oldSecret);
        Instant expires = Instant.parse(given().auth().oauth2(Tokens.of("alice")).get("/api/v1/subscriptions")
                .then().extract().path("find { it.id == '%s' }.previousSecretExpiresAt".formatted(id)));
        assertThat(expires).isBetween(Instant.now().plus(Duration.ofHours(23)), Instant.now().plus(Duration.ofHours(25)));

        Hook after = deliver(task);
        assertThat(after.headers().get("Webhook-signature").getFirst().split(" ")).hasSize(2);
        new Webhook(newSecret).verify(after.body(), after.httpHeaders());
        new Webhook(oldSecret).verify(after.body(), after.httpHeaders());
        byte[] stranger = new byte[32];
        assertThatThrownBy(() -> new Webhook(stranger).verify(after.body(), after.httpHeaders()))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void onlyTheTenantsWritersRotateAndOnlyWebhooksHaveASecret() {
        String task = "rotate-" + UUID.randomUUID();
        String id = given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"task\":\"%s\",\"events\":[\"FAILED\"],\"url\":\"http://127.0.0.1:%d/hook\"}"
                        .formatted(task, receiver.getAddress().getPort()))
                .post("/api/v1/subscriptions").then().statusCode(201).extract().path("id");
        given().auth().oauth2(Tokens.of("bob")).post("/api/v1/subscriptions/" + id + "/secret/rotate").then().statusCode(404);
        given().auth().oauth2(Tokens.of("vera")).post("/api/v1/subscriptions/" + id + "/secret/rotate").then().statusCode(403);
        given().auth().oauth2(Tokens.of("alice")).post("/api/v1/subscriptions/not-a-uuid/secret/rotate").then().statusCode(404);

        String slack = given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"task\":\"%s\",\"events\":[\"FAILED\"],\"channel\":\"slack\",\"url\":\"http://127.0.0.1:%d/hook\"}"
                        .formatted(task, receiver.getAddress().getPort()))
                .post("/api/v1/subscriptions").then().statusCode(201).extract().path("id");
        given().auth().oauth2(Tokens.of("alice")).post("/api/v1/subscriptions/" + slack + "/secret/rotate")
                .then().statusCode(409).contentType("application/problem+json");
    }
}
