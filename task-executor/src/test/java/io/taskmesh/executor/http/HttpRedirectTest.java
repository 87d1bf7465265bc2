package io.taskmesh.executor.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.taskmesh.events.EventJson;
import io.taskmesh.executor.step.StepFailure;
import io.taskmesh.platform.net.AddressGuard;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redirects are followed hop by hop, each hop judged by the address guard, credentials kept to their host. */
class HttpRedirectTest {

    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private int port;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        port = server.getAddress().getPort();
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        seen.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Host").replaceFirst(":\\d+$", "")
                + path + " auth=" + exchange.getRequestHeaders().getFirst("Authorization"));
        switch (path) {
            case "/same" -> redirect(exchange, 302, "/json");
            case "/post" -> redirect(exchange, 303, "/json");
            case "/other-host" -> redirect(exchange, 307, "http://127.0.0.1:" + port + "/json");
            case "/loop" -> redirect(exchange, 302, "/loop");
            default -> {
                byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        }
        exchange.close();
    }

    private static void redirect(HttpExchange exchange, int status, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(status, -1);
    }

    private static JsonNode limits(String json) {
        return EventJson.readTree(json);
    }

    @Test
    void aRedirectOnTheSameHostIsFollowedWithItsCredentialsAndASeeOtherBecomesAGet() {
        HttpStep http = new HttpStep(new AddressGuard(true), Duration.ofSeconds(5));

        JsonNode output = http.send("step 'a'", "GET", "http://localhost:" + port + "/same",
                Map.of("Authorization", "Bearer t0ken"), null, limits("{}"));
        JsonNode posted = http.send("step 'b'", "POST", "http://localhost:" + port + "/post", Map.of(),
                EventJson.readTree("{\"x\":1}"), limits("{}"));

        assertThat(output.path("body").path("ok").asBoolean()).isTrue();
        assertThat(posted.path("status").asInt()).isEqualTo(200);
        assertThat(seen).containsExactly("GET localhost/same auth=Bearer t0ken", "GET localhost/json auth=Bearer t0ken",
                "POST localhost/post auth=null", "GET localhost/json auth=null");
    }

    @Test
    void credentialsDoNotFollowARedirectToAnotherHost() {
        HttpStep http = new HttpStep(new AddressGuard(true), Duration.ofSeconds(5));

        http.send("step 'a'", "GET", "http://localhost:" + port + "/other-host", Map.of("Authorization", "Bearer t0ken"),
                null, limits("{}"));

        assertThat(seen).containsExactly("GET localhost/other-host auth=Bearer t0ken", "GET 127.0.0.1/json auth=null");
    }

    @Test
    void eachHopPassesTheGuardAgain() {
        HttpStep http = new HttpStep(new AddressGuard(true), Duration.ofSeconds(5));

        assertThatThrownBy(() -> http.send("step 'a'", "GET", "http://localhost:" + port + "/other-host", Map.of(), null,
                limits("{\"allowedDomains\":[\"localhost\"]}")))
                .isInstanceOf(StepFailure.class).hasMessageContaining("redirected").hasMessageContaining("allowedDomains");
        assertThat(seen).containsExactly("GET localhost/other-host auth=null");
    }

    @Test
    void aRedirectLoopEndsAfterFiveHops() {
        HttpStep http = new HttpStep(new AddressGuard(true), Duration.ofSeconds(5));

        assertThatThrownBy(() -> http.send("step 'a'", "GET", "http://localhost:" + port + "/loop", Map.of(), null, limits("{}")))
                .isInstanceOf(StepFailure.class).hasMessageContaining("more than 5 redirects");
        assertThat(seen).hasSize(6);
    }
}
