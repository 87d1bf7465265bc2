package io.taskmesh.e2e;

import static io.restassured.RestAssured.given;
import static io.taskmesh.e2e.Platform.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import io.restassured.http.ContentType;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.EventSchemas;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One run through the whole platform: task-api (database + outbox) → run-commands → task-scheduler →
 * run-requests → task-executor → run-events → task-api's read model and notification-service's webhook.
 */
class RunEndToEndIT {

    @BeforeAll
    static void startPlatform() throws Exception {
        Platform.start();
    }


    /** A task that doubles its required integer input {@code x}, through the API. */
    private static void defineDoubling(String task) {
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Double a number","parameters":{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"]},"resultSchema":{"type":"integer"},"steps":[{"id":"calc","action":"transform","expression":"inputs.x * 2"}]}"""
                .formatted(task))
                .post(Platform.api() + "/api/v1/tasks").then().statusCode(201);
    }

    @Test
    void aTransformRunEndsSucceededWithItsResultAndIsDeliveredAsASignedWebhook() throws Exception {
        String task = "double-" + UUID.randomUUID().toString().substring(0, 8);
        try (WebhookReceiver receiver = new WebhookReceiver();
                KafkaProbe probe = KafkaProbe.watch(Topics.RUN_COMMANDS, Topics.RUN_REQUESTS, Topics.RUN_EVENTS)) {
            // someone wants to hear when runs of this task succeed
            String subscription = as("alice").contentType(ContentType.JSON)
                    .body("{\"task\":\"%s\",\"events\":[\"SUCCEEDED\",\"FAILED\"],\"url\":\"%s\"}".formatted(task, receiver.url()))
                    .post(Platform.notifications() + "/api/v1/subscriptions")
                    .then().statusCode(201).extract().asString();
            String subscriptionId = EventJson.readTree(subscription).get("id").asText();
            String secret = EventJson.readTree(subscription).get("secret").asText();

            defineDoubling(task);

            String runId = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"x\":21}}")
                    .post(Platform.api() + "/api/v1/tasks/" + task + "/runs")
                    .then().statusCode(202).body("status", equalTo("PENDING"))
                    .extract().path("id");

            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    as("alice").get(Platform.api() + "/api/v1/runs/" + runId).then().statusCode(200)
                            .body("status", equalTo("SUCCEEDED")).body("result", equalTo(42)));

            // every event of the run, on every topic, is a CloudEvent that matches its schema
            for (String type : List.of("io.taskmesh.run.create.v1", "io.taskmesh.run.requested.v1",
                    "io.taskmesh.run.queued.v1", "io.taskmesh.run.started.v1", RunStatus.SUCCEEDED.eventType())) {
                probe.await(e -> runId.equals(e.key()) && type.equals(e.type()), Duration.ofSeconds(30));
            }
            List<KafkaProbe.Event> events = probe.seen(e -> runId.equals(e.key()));
            for (KafkaProbe.Event e : events) {
                assertThat(e.headers()).containsKeys("ce_id", "ce_source", "ce_specversion");
                assertThat(EventSchemas.violations(e.type(), EventJson.readTree(e.value()))).as(e.type()).isEmpty();
            }
            assertThat(events).filteredOn(e -> e.topic().equals(Topics.RUN_EVENTS))
                    .allSatisfy(e -> assertThat(e.headers()).containsKey("traceparent"));

            // the webhook arrives once, signed per Standard Webhooks
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.received.isEmpty());
            WebhookReceiver.Received hook = receiver.received.getFirst();
            new Webhook(secret).verify(hook.body(), HttpHeaders.of(hook.headers(), (a, b) -> true));
            JsonNode body = EventJson.readTree(hook.body());
            assertThat(body.path("data").path("runId").asText()).isEqualTo(runId);
            assertThat(body.path("data").path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(body.path("data").path("result").asInt()).isEqualTo(42);
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    as("alice").get(Platform.notifications() + "/api/v1/subscriptions/" + subscriptionId + "/deliveries")
                            .then().statusCode(200).body("status", hasItem("DELIVERED")).body("responseCode", hasItem(204)));
            assertThat(receiver.received).hasSize(1);

            // another tenant does not see the run; nobody without a token sees anything
            as("bob").get(Platform.api() + "/api/v1/runs/" + runId).then().statusCode(404);
            as("bob").get(Platform.notifications() + "/api/v1/subscriptions/" + subscriptionId + "/deliveries")
                    .then().statusCode(404);
            given().get(Platform.api() + "/api/v1/runs/" + runId).then().statusCode(401);
        }
    }

    @Test
    void aRunCommandSentOnKafkaAsSoonAsTheApiDefinedItsTaskStartsItsRun() {
        String task = "double-" + UUID.randomUUID().toString().substring(0, 8);
        defineDoubling(task);
        // at once, before the task's definition has reached the scheduler
        KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, task, UUID.randomUUID().toString(), "io.taskmesh.run.create.v1",
                null, "{\"tenant\":\"acme\",\"task\":\"%s\",\"inputs\":{\"x\":4},\"idempotencyKey\":\"%s\"}"
                        .formatted(task, task));

        String runId = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                as("alice").get(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().statusCode(200)
                        .extract().<String>path("items[0].id"), id -> id != null);
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                as("alice").get(Platform.api() + "/api/v1/runs/" + runId).then().statusCode(200)
                        .body("status", equalTo("SUCCEEDED")).body("result", equalTo(8))
                        .body("requestedBy", org.hamcrest.Matchers.startsWith("event:")));
        as("alice").get(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().body("items.size()", equalTo(1));
    }

    @Test
    void inputsMissingARequiredParameterAreRefusedWith422() {
        String task = "double-" + UUID.randomUUID().toString().substring(0, 8);
        defineDoubling(task);

        as("alice").contentType(ContentType.JSON).body("{\"inputs\":{}}")
                .post(Platform.api() + "/api/v1/tasks/" + task + "/runs")
                .then().statusCode(422).contentType("application/problem+json").body("errors.field", hasItem("inputs.x"));
    }

    @Test
    void aFailingRunIsRetriedUpToMaxAttemptsAndEndsFailedWithTheReason() {
        String task = "fails-" + UUID.randomUUID().toString().substring(0, 8);
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Always fails","limits":{"maxAttempts":2,"backoff":{"initialSeconds":0.2}},
                 "steps":[{"id":"calc","action":"transform","expression":"inputs.missing * 2"}]}""".formatted(task))
                .post(Platform.api() + "/api/v1/tasks").then().statusCode(201);
        String runId = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{}}")
                .post(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                as("alice").get(Platform.api() + "/api/v1/runs/" + runId).then().statusCode(200)
                        .body("status", equalTo("FAILED")).body("attempt", equalTo(2))
                        .body("error.code", equalTo("expression-failed")));
    }

    @Test
    void anHttpStepFetchesJsonThatATransformStepTurnsIntoTheResult() throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/stock", exchange -> {
            byte[] body = "{\"items\":[{\"sku\":\"a\",\"qty\":3},{\"sku\":\"b\",\"qty\":4}]}".getBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String task = "stock-" + UUID.randomUUID().toString().substring(0, 8);
            as("alice").contentType(ContentType.JSON).body("""
                    {"name":"%s","objective":"Count the stock","resultSchema":"integer",
                     "steps":[{"id":"fetch","action":"http","url":"http://127.0.0.1:%d/stock"},
                              {"id":"sum","action":"transform",
                               "expression":"steps.fetch.output.body.items[0].qty + steps.fetch.output.body.items[1].qty"}]}"""
                    .formatted(task, server.getAddress().getPort()))
                    .post(Platform.api() + "/api/v1/tasks").then().statusCode(201);
            String runId = as("alice").contentType(ContentType.JSON).body("{}")
                    .post(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    as("alice").get(Platform.api() + "/api/v1/runs/" + runId).then().statusCode(200)
                            .body("status", equalTo("SUCCEEDED")).body("result", equalTo(7)));
        } finally {
            server.stop(0);
        }
    }
}
