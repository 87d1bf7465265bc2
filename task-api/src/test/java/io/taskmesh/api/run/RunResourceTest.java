package io.taskmesh.api.run;

import static io.restassured.RestAssured.given;
import static io.taskmesh.api.ApiFixtures.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.EventSchemas;
import io.taskmesh.events.RunCreateCommand;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RunResourceTest {

    private String task;

    @BeforeEach
    void createTask() {
        task = "double-" + UUID.randomUUID().toString().substring(0, 8);
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Double a number",
                 "parameters":{"type":"object","properties":{"x":{"type":"integer"},"y":{"type":"integer","default":1}},"required":["x"]},
                 "resultSchema":{"type":"integer"},
                 "steps":[{"id":"calc","action":"transform","expression":"inputs.x * 2"}]}""".formatted(task))
                .post("/api/v1/tasks").then().statusCode(201);
    }

    private String start(String inputs) {
        return as("alice").contentType(ContentType.JSON).body("{\"inputs\":" + inputs + "}")
                .post("/api/v1/tasks/" + task + "/runs")
                .then().statusCode(202).body("status", equalTo("PENDING"))
                .extract().path("id");
    }

    @Test
    void aRunIsAcceptedWithDefaultsAppliedAndItsCommandIsPublished() {
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_COMMANDS)) {
            String id = start("{\"x\":21}");

            KafkaProbe.Event command = probe.await(e -> id.equals(e.key()), Duration.ofSeconds(20));
            assertThat(command.type()).isEqualTo(RunCreateCommand.TYPE);
            assertThat(EventSchemas.violations(command.type(), EventJson.readTree(command.value()))).isEmpty();
            RunCreateCommand data = EventJson.read(command.value(), RunCreateCommand.class);
            assertThat(data.runId()).isEqualTo(id);
            assertThat(data.version()).isEqualTo(1);
            assertThat(data.inputs().get("y").asInt()).isEqualTo(1);
            assertThat(data.definition().path("steps").get(0).path("expression").asText()).isEqualTo("inputs.x * 2");
        }
    }

    @Test
    void inputsThatDoNotMatchTheParametersAreRefusedAndNoRunExists() {
        as("alice").contentType(ContentType.JSON).body("{\"inputs\":{}}")
                .post("/api/v1/tasks/" + task + "/runs")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItem("inputs.x"));
        as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"x\":\"seven\"}}")
                .post("/api/v1/tasks/" + task + "/runs")
                .then().statusCode(422).body("errors.field", hasItem("inputs.x"));
        as("alice").get("/api/v1/tasks/" + task + "/runs").then().statusCode(200).body("items.size()", equalTo(0));
    }

    @Test
    void theSameIdempotencyKeyGivesTheSameRun() {
        String key = UUID.randomUUID().toString();
        String first = as("alice").contentType(ContentType.JSON).header("Idempotency-Key", key).body("{\"inputs\":{\"x\":1}}")
                .post("/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");
        String second = as("alice").contentType(ContentType.JSON).header("Idempotency-Key", key).body("{\"inputs\":{\"x\":1}}")
                .post("/api/v1/tasks/" + task + "/runs").then().statusCode(202)
                .header("Idempotent-Replayed", "true").extract().path("id");

        assertThat(second).isEqualTo(first);
        as("alice").get("/api/v1/tasks/" + task + "/runs").then().body("items.size()", equalTo(1));
    }

    @Test
    void requestsWithTheSameIdempotencyKeyAtTheSameTimeAllGetTheOneRun() throws Exception {
        // a client that retries a request it got no answer to, while the first is still being handled
        java.util.List<String> warned = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler watch = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warned.add(record.getLoggerName() + ": " + record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger hibernate = java.util.logging.Logger.getLogger("org.hibernate");
        hibernate.addHandler(watch);
        try {
            sameKeyAtOnce();
        } finally {
            hibernate.removeHandler(watch);
        }
        // a retry is normal: nothing is refused by the database, nothing to alarm whoever reads the log
        assertThat(warned).as("warnings from Hibernate").isEmpty();
    }

    private void sameKeyAtOnce() throws Exception {
        for (int round = 0; round < 3; round++) {
            String key = UUID.randomUUID().toString();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            java.util.List<java.util.concurrent.Future<io.restassured.response.Response>> sent = new java.util.ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(6)) {
                for (int i = 0; i < 6; i++) {
                    sent.add(pool.submit(() -> {
                        go.await();
                        return as("alice").contentType(ContentType.JSON).header("Idempotency-Key", key)
                                .body("{\"inputs\":{\"x\":1}}").post("/api/v1/tasks/" + task + "/runs");
                    }));
                }
                go.countDown();
            }
            java.util.List<String> ids = new java.util.ArrayList<>();
            int created = 0;
            for (var answer : sent) {
                io.restassured.response.Response response = answer.get();
                assertThat(response.statusCode()).as(response.asString()).isEqualTo(202);
                ids.add(response.path("id"));
                created += response.header("Idempotent-Replayed") == null ? 1 : 0;
            }
            assertThat(ids.stream().distinct()).as("one run for one key").hasSize(1);
            assertThat(created).as("answers that created the run (the others replayed it)").isEqualTo(1);
        }
        as("alice").get("/api/v1/tasks/" + task + "/runs").then().body("items.size()", equalTo(3));
    }

    @Test
    void anotherTenantsRunAnswers404AndAViewerCannotStartRuns() {
        String id = start("{\"x\":2}");
        as("bob").get("/api/v1/runs/" + id).then().statusCode(404).contentType("application/problem+json");
        as("vera").get("/api/v1/runs/" + id).then().statusCode(200);
        as("vera").contentType(ContentType.JSON).body("{\"inputs\":{\"x\":1}}").post("/api/v1/tasks/" + task + "/runs")
                .then().statusCode(403);
        given().get("/api/v1/runs/" + id).then().statusCode(401);
    }

    @Test
    void theReadModelFollowsRunEventsOncePerSeqAndSkipsMalformedOnes() {
        String id = start("{\"x\":21}");
        // a malformed record first: it goes to the dead-letter topic and the consumer carries on
        try (KafkaProbe dlq = KafkaProbe.watch(Topics.deadLetter(Topics.RUN_EVENTS))) {
            KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, id, UUID.randomUUID().toString(),
                    RunStatus.RUNNING.eventType(), id, "{\"this is\": \"not a run event\"}");
            KafkaProbe.publish(Topics.RUN_EVENTS, id, "not even a cloud event", Map.of());
            dlq.await(e -> id.equals(e.key()), Duration.ofSeconds(30));
        }
        publish(id, RunStatus.RUNNING, 2, null);
        publish(id, RunStatus.SUCCEEDED, 3, "42");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                as("alice").get("/api/v1/runs/" + id).then().statusCode(200)
                        .body("status", equalTo("SUCCEEDED")).body("result", equalTo(42))
                        .body("complete", equalTo(true)).body("successful", equalTo(true)));

        // late, older events change nothing; a marker event behind them on the same partition (same key)
        // shows they have been consumed
        publish(id, RunStatus.RUNNING, 2, null);
        publish(id, RunStatus.QUEUED, 1, null);
        String probeRun = start("{\"x\":1}");
        publish(probeRun, id, RunStatus.RUNNING, 2, null);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                as("alice").get("/api/v1/runs/" + probeRun).then().body("status", equalTo("RUNNING")));
        as("alice").get("/api/v1/runs/" + id).then().body("status", equalTo("SUCCEEDED"));
    }

    @Test
    void aRunShowsWhatItsLatestAttemptReportedButListsStayLight() {
        String id = start("{\"x\":21}");
        publish(id, RunStatus.RUNNING, 2, null);
        RunEvent done = new RunEvent("acme", id, task, 1, RunStatus.SUCCEEDED, 3, 1, EventJson.readTree("42"), null,
                Instant.now(), null, null, EventJson.readTree("""
                        {"steps":{"calc":{"output":42}},
                         "transcript":[{"role":"user","content":"Double 21"},{"role":"assistant","content":"42"}]}"""));
        assertThat(EventSchemas.violations(done.type(), EventJson.readTree(EventJson.write(done)))).isEmpty();
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, id, UUID.randomUUID().toString(), done.type(), id,
                EventJson.write(done));

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                as("alice").get("/api/v1/runs/" + id).then().statusCode(200)
                        .body("status", equalTo("SUCCEEDED"))
                        .body("steps.calc.output", equalTo(42))
                        .body("transcript[1].content", equalTo("42")));
        as("alice").get("/api/v1/tasks/" + task + "/runs").then().statusCode(200)
                .body("items.find { it.id == '%s' }.status".formatted(id), equalTo("SUCCEEDED"))
                .body("items.find { it.id == '%s' }.transcript".formatted(id), equalTo(null));
    }

    private void publish(String runId, RunStatus status, long seq, String result) {
        publish(runId, runId, status, seq, result);
    }

    private void publish(String runId, String key, RunStatus status, long seq, String result) {
        RunEvent event = new RunEvent("acme", runId, task, 1, status, seq, 1,
                result == null ? null : EventJson.readTree(result), null, Instant.now());
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, key, UUID.randomUUID().toString(), event.type(), runId,
                EventJson.write(event));
    }
}
