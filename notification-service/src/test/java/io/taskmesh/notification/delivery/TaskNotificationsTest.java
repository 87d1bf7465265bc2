package io.taskmesh.notification.delivery;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunNotification;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.TaskDefinitionChanged;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import io.taskmesh.testing.Tokens;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the notification-service learns from task definitions: subscriptions that select tasks by label, the
 * DELIVERABLE and TASK_DEACTIVATED events, and a task's default notifications kept as subscriptions. Definitions
 * and run events are published on Kafka as task-api and the executors publish them; a receiver started by the
 * test takes the webhooks.
 */
@QuarkusTest
class TaskNotificationsTest {

    private HttpServer receiver;
    private final List<JsonNode> hooks = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            hooks.add(EventJson.readTree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private static void define(String taskId, String name, int version, String state, String definition) {
        TaskDefinitionChanged change = new TaskDefinitionChanged("acme", taskId, name, version, state,
                EventJson.readTree(definition), Instant.now());
        KafkaProbe.publishCloudEvent(Topics.TASK_DEFINITIONS, taskId, UUID.randomUUID().toString(), TaskDefinitionChanged.TYPE,
                taskId, EventJson.write(change));
    }

    private static void runEvent(String task, RunStatus status, String result) {
        String runId = UUID.randomUUID().toString();
        RunEvent event = new RunEvent("acme", runId, task, 1, status, 3, 1, result == null ? null : EventJson.readTree(result),
                status == RunStatus.FAILED ? new RunEvent.RunError("boom", "it broke") : null, Instant.now());
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(), status.eventType(), runId,
                EventJson.write(event));
    }

    private static JsonNode subscriptions() {
        return EventJson.readTree(given().auth().oauth2(Tokens.of("alice")).get("/api/v1/subscriptions")
                .then().statusCode(200).extract().asString());
    }

    /**
     * The subscription a task's definition asked for, once the service has read that definition. The consumers of
     * a fresh test instance start from the end of their topics and may still be joining: {@code publish} is done
     * again every few seconds until then (a definition read twice changes nothing).
     */
    private static JsonNode awaitDefinedBy(String task, Runnable publish) {
        long[] last = {System.nanoTime()};
        publish.run();
        JsonNode[] found = new JsonNode[1];
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (System.nanoTime() - last[0] > Duration.ofSeconds(3).toNanos()) {
                last[0] = System.nanoTime();
                publish.run();
            }
            for (JsonNode s : subscriptions()) {
                if (task.equals(s.path("task").asText()) && s.path("definedByTask").asBoolean()) {
                    found[0] = s;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private List<JsonNode> hooksFor(String task) {
        return hooks.stream().filter(h -> task.equals(h.path("data").path("task").asText())).toList();
    }

    @Test
    void aTasksNotificationsAreSubscriptionsThatFollowItsDefinition() throws Exception {
        String taskId = UUID.randomUUID().toString();
        String task = "nightly-" + taskId.substring(0, 8);
        JsonNode subscription = awaitDefinedBy(task, () -> define(taskId, task, 1, "active", """
                {"name":"%s","objective":"Report","notifications":[{"events":["FAILED"],"url":"%s"}]}"""
                .formatted(task, url())));
        assertThat(subscription.path("events").get(0).asText()).isEqualTo("FAILED");
        assertThat(subscription.path("url").asText()).isEqualTo(url());
        // kept with the task: not deleted through the API
        given().auth().oauth2(Tokens.of("alice")).delete("/api/v1/subscriptions/" + subscription.path("id").asText())
                .then().statusCode(409).contentType("application/problem+json");

        runEvent(task, RunStatus.SUCCEEDED, "1");
        runEvent(task, RunStatus.FAILED, null);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !hooksFor(task).isEmpty());
        Thread.sleep(1000);
        assertThat(hooksFor(task)).hasSize(1);
        assertThat(hooksFor(task).getFirst().path("data").path("status").asText()).isEqualTo("FAILED");

        // version 2 asks for nothing: the subscription goes, and the next failure is not sent
        define(taskId, task, 2, "active", "{\"name\":\"%s\",\"objective\":\"Report\"}".formatted(task));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (JsonNode s : subscriptions()) {
                if (task.equals(s.path("task").asText())) {
                    return false;
                }
            }
            return true;
        });
        runEvent(task, RunStatus.FAILED, null);
        Thread.sleep(3000);
        assertThat(hooksFor(task)).hasSize(1);
    }

    @Test
    void labelsSelectTasksAndDeliverableAndDeactivatedAreEventsOfTheirOwn() throws Exception {
        String team = "billing-" + UUID.randomUUID().toString().substring(0, 8);
        String subscription = EventJson.readTree(given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"labels\":{\"team\":\"%s\"},\"events\":[\"FAILED\",\"DELIVERABLE\",\"TASK_DEACTIVATED\"],\"url\":\"%s\"}"
                        .formatted(team, url()))
                .post("/api/v1/subscriptions").then().statusCode(201).extract().asString()).path("id").asText();

        String billingId = UUID.randomUUID().toString();
        String billing = "invoice-" + billingId.substring(0, 8);
        String opsId = UUID.randomUUID().toString();
        String ops = "backup-" + opsId.substring(0, 8);
        // each definition also asks for a notification nobody triggers (PENDING): it shows when it was read
        String definition = """
                {"name":"%s","objective":"Work","isDeliverable":true,"labels":{"team":"%s"},
                 "notifications":[{"events":["PENDING"],"url":"%s"}]}""";
        awaitDefinedBy(billing, () -> define(billingId, billing, 1, "active", definition.formatted(billing, team, url())));
        awaitDefinedBy(ops, () -> define(opsId, ops, 1, "active", definition.formatted(ops, "ops", url())));

        runEvent(ops, RunStatus.FAILED, null);
        runEvent(ops, RunStatus.SUCCEEDED, "\"not mine\"");
        runEvent(billing, RunStatus.RUNNING, null);
        runEvent(billing, RunStatus.SUCCEEDED, "{\"total\":12}");
        runEvent(billing, RunStatus.FAILED, null);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> hooksFor(billing).size() >= 2);
        Thread.sleep(1000);
        assertThat(hooksFor(ops)).as("another team's task").isEmpty();
        assertThat(hooksFor(billing)).extracting(h -> h.path("data").path("status").asText())
                .containsExactlyInAnyOrder("SUCCEEDED", "FAILED");
        JsonNode delivered = hooksFor(billing).stream()
                .filter(h -> h.path("data").path("status").asText().equals("SUCCEEDED")).findFirst().orElseThrow();
        assertThat(delivered.path("data").path("result").path("total").asInt()).isEqualTo(12);

        // the task is deactivated: told once, even when the definition comes twice
        define(billingId, billing, 2, "inactive", definition.formatted(billing, team, url()));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> hooksFor(billing).size() >= 3);
        JsonNode deactivated = hooksFor(billing).get(2);
        assertThat(deactivated.path("type").asText()).isEqualTo("io.taskmesh.task.deactivated.v1");
        assertThat(deactivated.path("data").path("state").asText()).isEqualTo("inactive");
        given().auth().oauth2(Tokens.of("alice")).get("/api/v1/subscriptions/" + subscription + "/deliveries")
                .then().statusCode(200).body("eventType", hasItem("io.taskmesh.task.deactivated.v1"));

        // deleted: it matches nothing more
        given().auth().oauth2(Tokens.of("alice")).delete("/api/v1/subscriptions/" + subscription).then().statusCode(204);
        given().auth().oauth2(Tokens.of("alice")).get("/api/v1/subscriptions/" + subscription + "/deliveries")
                .then().statusCode(404);
        runEvent(billing, RunStatus.FAILED, null);
        Thread.sleep(3000);
        assertThat(hooksFor(billing)).hasSize(3);
    }

    /** A run a trigger started that is still going when its trigger fires next is late: told once, as RUN_LATE. */
    @Test
    void aRunStillGoingAtItsTriggersNextFireTimeIsLate() throws Exception {
        String taskId = UUID.randomUUID().toString();
        String task = "hourly-" + taskId.substring(0, 8);
        awaitDefinedBy(task, () -> define(taskId, task, 1, "active", """
                {"name":"%s","objective":"Tick","triggers":[{"type":"interval","every":"2s","name":"tick"}],
                 "notifications":[{"events":["RUN_LATE"],"url":"%s"}]}""".formatted(task, url())));

        Instant fireTime = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String slow = UUID.randomUUID().toString();
        String quick = UUID.randomUUID().toString();
        for (String runId : List.of(slow, quick)) {
            RunEvent queued = new RunEvent("acme", runId, task, 1, RunStatus.QUEUED, 1, 1, null, null, Instant.now(),
                    EventJson.readTree("{}"), "trigger:tick@" + fireTime);
            KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(), RunStatus.QUEUED.eventType(),
                    runId, EventJson.write(queued));
        }
        // the quick one ends before the next fire time; the slow one does not
        RunEvent done = new RunEvent("acme", quick, task, 1, RunStatus.SUCCEEDED, 3, 1, null, null, Instant.now());
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, quick, UUID.randomUUID().toString(), RunStatus.SUCCEEDED.eventType(),
                quick, EventJson.write(done));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !hooksFor(task).isEmpty());
        Thread.sleep(3000);
        assertThat(hooksFor(task)).hasSize(1);
        JsonNode late = hooksFor(task).getFirst();
        assertThat(late.path("type").asText()).isEqualTo("io.taskmesh.run.late.v1");
        assertThat(late.path("data").path("runId").asText()).isEqualTo(slow);
        assertThat(late.path("data").path("fireTime").asText()).isEqualTo(fireTime.toString());
        assertThat(Instant.parse(late.path("data").path("nextFireTime").asText())).isEqualTo(fireTime.plusSeconds(2));
    }

    @Test
    void aLabelSelectorMustNameLabels() {
        given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"labels\":{},\"events\":[\"FAILED\",\"TASK_GONE\"],\"url\":\"%s\"}".formatted(url()))
                .post("/api/v1/subscriptions")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.hasItems("labels", "events[1]"));
    }

    private static void notification(String id, String task, String message, String channel) {
        String runId = UUID.randomUUID().toString();
        RunNotification notification = new RunNotification("acme", runId, task, 2, 1, "tell", message, channel,
                EventJson.readTree("{\"total\":42}"), Instant.now());
        KafkaProbe.publishCloudEvent(Topics.NOTIFICATIONS, runId, id, RunNotification.TYPE, runId,
                EventJson.write(notification));
    }

    @Test
    void whatANotifyStepSendsGoesOnceToTheSubscriptionsToNotifyOnTheChannelItNames() throws Exception {
        String task = "notify-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"task\":\"%s\",\"events\":[\"NOTIFY\"],\"url\":\"%s\"}".formatted(task, url()))
                .post("/api/v1/subscriptions").then().statusCode(201);
        given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"task\":\"%s\",\"events\":[\"SUCCEEDED\"],\"url\":\"%s\"}".formatted(task, url()))
                .post("/api/v1/subscriptions").then().statusCode(201);

        // the same event (one id) published until the consumer, which starts at the end of its topic, has read it
        String id = UUID.randomUUID().toString();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            notification(id, task, "Total for Lyon: 42", null);
            return !hooksFor(task).isEmpty();
        });
        try (KafkaProbe probe = KafkaProbe.watch(Topics.deadLetter(Topics.NOTIFICATIONS))) {
            String malformed = UUID.randomUUID().toString();
            KafkaProbe.publishCloudEvent(Topics.NOTIFICATIONS, malformed, UUID.randomUUID().toString(), RunNotification.TYPE,
                    malformed, "{\"tenant\":\"acme\",\"runId\":\"%s\",\"task\":\"%s\"}".formatted(malformed, task));
            notification(UUID.randomUUID().toString(), task, "Only for email", "email");
            notification(UUID.randomUUID().toString(), task, "For webhooks", "webhook");

            KafkaProbe.Event dead = probe.await(e -> malformed.equals(e.key()), Duration.ofSeconds(30));
            assertThat(dead.headers().get("dead-letter-reason")).contains("does not match its schema");
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> hooksFor(task).size() >= 2);
        Thread.sleep(1000);
        assertThat(hooksFor(task)).extracting(h -> h.path("data").path("message").asText())
                .containsExactly("Total for Lyon: 42", "For webhooks");
        JsonNode first = hooksFor(task).getFirst();
        assertThat(first.path("type").asText()).isEqualTo(RunNotification.TYPE);
        assertThat(first.path("id").asText()).isEqualTo(id);
        assertThat(first.path("data").path("step").asText()).isEqualTo("tell");
        assertThat(first.path("data").path("data").path("total").asInt()).isEqualTo(42);
        assertThat(first.path("data").path("link").asText()).contains("/api/v1/runs/");
    }
}
