package io.taskmesh.api.run;

import static io.restassured.RestAssured.given;
import static io.taskmesh.api.ApiFixtures.as;
import static io.taskmesh.api.ApiFixtures.doubleTask;
import static io.taskmesh.api.ApiFixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.EventSchemas;
import io.taskmesh.events.RunCommand;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cancel, validate and feedback as the API takes them; the scheduler carries them out (see its tests). */
@QuarkusTest
class RunDecisionsTest {

    private String task;

    @BeforeEach
    void createTask() {
        task = uniqueName("decide");
        as("alice").contentType(ContentType.JSON).body(doubleTask(task)).post("/api/v1/tasks").then().statusCode(201);
    }

    private String start() {
        return as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"x\":1}}")
                .post("/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");
    }

    private void moveTo(String runId, RunStatus status, long seq, int attempt) {
        RunEvent event = new RunEvent("acme", runId, task, 1, status, seq, attempt, EventJson.readTree("2"), null,
                Instant.now());
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(), event.type(), runId,
                EventJson.write(event));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                as("alice").get("/api/v1/runs/" + runId).then().body("status", equalTo(status.name())));
    }

    @Test
    void cancelIsSentToTheSchedulerUntilTheRunHasFinished() {
        String runId = start();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_COMMANDS)) {
            as("alice").post("/api/v1/runs/" + runId + "/cancel").then().statusCode(200);
            KafkaProbe.Event command = probe.await(e -> runId.equals(e.key()) && RunCommand.CANCEL.equals(e.type()),
                    Duration.ofSeconds(20));
            assertThat(EventSchemas.violations(command.type(), EventJson.readTree(command.value()))).isEmpty();
            assertThat(EventJson.read(command.value(), RunCommand.class).requestedBy()).isEqualTo("alice");
        }
        moveTo(runId, RunStatus.SUCCEEDED, 3, 1);
        as("alice").post("/api/v1/runs/" + runId + "/cancel").then().statusCode(409).contentType("application/problem+json");
        as("vera").post("/api/v1/runs/" + start() + "/cancel").then().statusCode(403);
        as("bob").post("/api/v1/runs/" + runId + "/cancel").then().statusCode(404);
    }

    @Test
    void validateAndFeedbackNeedARunAwaitingValidation() {
        String runId = start();
        as("alice").post("/api/v1/runs/" + runId + "/validate").then().statusCode(409);
        as("alice").contentType(ContentType.JSON).body("{\"content\":\"shorter please\"}")
                .post("/api/v1/runs/" + runId + "/feedback").then().statusCode(409);

        moveTo(runId, RunStatus.AWAITING_VALIDATION, 3, 1);
        as("alice").contentType(ContentType.JSON).body("{\"content\":\" \"}")
                .post("/api/v1/runs/" + runId + "/feedback").then().statusCode(422).body("errors.field", hasItem("content"));
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_COMMANDS)) {
            as("alice").contentType(ContentType.JSON).body("{\"content\":\"shorter please\"}")
                    .post("/api/v1/runs/" + runId + "/feedback").then().statusCode(200)
                    .body("feedbackHistory", hasSize(1))
                    .body("feedbackHistory[0].content", equalTo("shorter please"))
                    .body("feedbackHistory[0].status", equalTo("PENDING"));
            KafkaProbe.Event command = probe.await(e -> runId.equals(e.key()) && RunCommand.FEEDBACK.equals(e.type()),
                    Duration.ofSeconds(20));
            assertThat(EventJson.read(command.value(), RunCommand.class).content()).isEqualTo("shorter please");
        }
        // the scheduler sends it back; once attempt 2 runs, the feedback counts as processed
        moveTo(runId, RunStatus.REVISE, 4, 1);
        moveTo(runId, RunStatus.QUEUED, 5, 2);
        moveTo(runId, RunStatus.RUNNING, 6, 2);
        as("alice").get("/api/v1/runs/" + runId).then().body("feedbackHistory[0].status", equalTo("PROCESSED"))
                .body("attempt", equalTo(2));
    }

    @Test
    void runListsFilterByStatusPredicateAndTimeAndPage() {
        String first = start();
        String second = start();
        String third = start();
        moveTo(first, RunStatus.SUCCEEDED, 3, 1);

        as("alice").get("/api/v1/runs?task=" + task).then().statusCode(200).body("items.id", contains(third, second, first));
        as("alice").get("/api/v1/runs?task=" + task + "&is=complete").then().body("items.id", contains(first));
        as("alice").get("/api/v1/tasks/" + task + "/runs?is=incomplete").then().body("items.id", contains(third, second));
        as("alice").get("/api/v1/runs?task=" + task + "&status=SUCCEEDED&status=PENDING&is=successful")
                .then().body("items.id", contains(first));
        String cursor = as("alice").get("/api/v1/runs?task=" + task + "&limit=2").then()
                .body("items.id", contains(third, second)).extract().path("nextCursor");
        as("alice").get("/api/v1/runs?task=" + task + "&limit=2&cursor=" + cursor).then()
                .body("items.id", contains(first));
        as("alice").get("/api/v1/runs?task=" + task + "&from=" + Instant.now().plusSeconds(60)).then()
                .body("items", hasSize(0));
        as("bob").get("/api/v1/runs?task=" + task).then().statusCode(404);
        as("alice").get("/api/v1/runs?status=DONE&is=maybe&from=yesterday").then().statusCode(400)
                .body("errors.field", hasItem("status")).body("errors.field", hasItem("is"))
                .body("errors.field", hasItem("from"));
        given().get("/api/v1/runs").then().statusCode(401);
    }

    @Test
    void statisticsCountRunsByStatusWithSuccessRateAndDurations() {
        String ok = start();
        String bad = start();
        start();
        moveTo(ok, RunStatus.RUNNING, 2, 1);
        moveTo(ok, RunStatus.SUCCEEDED, 3, 1);
        moveTo(bad, RunStatus.RUNNING, 2, 1);
        moveTo(bad, RunStatus.FAILED, 3, 1);

        as("vera").get("/api/v1/tasks/" + task + "/runs/stats").then().statusCode(200)
                .body("total", equalTo(3))
                .body("byStatus.SUCCEEDED", equalTo(1)).body("byStatus.FAILED", equalTo(1))
                .body("byStatus.PENDING", equalTo(1))
                .body("successRate", equalTo(0.5f))
                .body("durationMs.p50", org.hamcrest.Matchers.notNullValue());
        as("alice").get("/api/v1/tasks/" + task + "/runs/stats?from=" + Instant.now().plusSeconds(60)).then()
                .statusCode(400).body("errors.field", hasItem("from"));
        as("bob").get("/api/v1/tasks/" + task + "/runs/stats").then().statusCode(404);
    }
}
