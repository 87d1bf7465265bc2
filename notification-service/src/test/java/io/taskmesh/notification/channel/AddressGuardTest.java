package io.taskmesh.notification.channel;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import com.sun.net.httpserver.HttpServer;
import io.agroal.api.AgroalDataSource;
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
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The service as deployed: private networks refused. */
@QuarkusTest
@TestProfile(AddressGuardTest.PrivateNetworksRefused.class)
class AddressGuardTest {

    public static class PrivateNetworksRefused implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("taskmesh.notifications.allow-private-networks", "false");
        }
    }

    @Inject
    AgroalDataSource dataSource;

    private static io.restassured.response.ValidatableResponse subscribe(String url) {
        return given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"task\":\"%s\",\"events\":[\"FAILED\"],\"url\":\"%s\"}".formatted("t-" + UUID.randomUUID(), url))
                .post("/api/v1/subscriptions").then();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:9/hook", "http://localhost/hook", "http://10.1.2.3/hook",
            "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data", "http://[::1]/hook",
            "http://100.64.0.1/"})
    void anInternalAddressIsRefusedNamingTheUrl(String url) {
        subscribe(url).statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", equalTo("url"))
                .body("errors[0].message", containsString("internal address"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.org/x", "file:///etc/passwd", "http:///nohost", "http://exa mple.org/",
            "/relative/path"})
    void aUrlThatIsNotHttpIsRefusedNamingTheUrl(String url) {
        subscribe(url).statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", equalTo("url"));
    }

    @Test
    void aPublicAddressIsAccepted() {
        subscribe("http://192.0.2.10/hook").statusCode(201);
    }

    @Test
    void anAddressThatTurnsInternalLaterIsRefusedAtSendTime() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            calls.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String task = "t-" + UUID.randomUUID();
            String id = given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                    .body("{\"task\":\"%s\",\"events\":[\"FAILED\"],\"url\":\"http://192.0.2.10/hook\"}".formatted(task))
                    .post("/api/v1/subscriptions").then().statusCode(201).extract().path("id");
            // what a DNS change does to a name: the same subscription now leads inside the network
            try (Connection c = dataSource.getConnection();
                    PreparedStatement update = c.prepareStatement("UPDATE notification.subscription SET url = ? WHERE id = ?")) {
                update.setString(1, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
                update.setObject(2, UUID.fromString(id));
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
            String runId = UUID.randomUUID().toString();
            KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(),
                    RunStatus.FAILED.eventType(), runId, EventJson.write(new RunEvent("acme", runId, task, 1,
                            RunStatus.FAILED, 3, 1, null, new RunEvent.RunError("boom", "it broke"), Instant.now())));

            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    given().auth().oauth2(Tokens.of("alice")).get("/api/v1/subscriptions/" + id + "/deliveries")
                            .then().statusCode(200).body("[0].attempts", greaterThanOrEqualTo(1))
                            .body("[0].lastError", containsString("internal address")));
            assertThat(calls.get()).isZero();
        } finally {
            receiver.stop(0);
        }
    }
}
