package io.taskmesh.e2e;

import static io.taskmesh.e2e.Platform.as;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The human-in-the-loop cycle across the running services: review, feedback, revision, validation, questions. */
class HumanValidationIT {

    @BeforeAll
    static void startPlatform() throws Exception {
        Platform.start();
    }


    private static void awaitStatus(String runId, String status, int attempt) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                as("alice").get(Platform.api() + "/api/v1/runs/" + runId).then().statusCode(200)
                        .body("status", equalTo(status)).body("attempt", equalTo(attempt)));
    }

    @Test
    void aResultIsReviewedSentBackWithFeedbackRevisedAndThenValidated() {
        String task = "headline-" + UUID.randomUUID().toString().substring(0, 8);
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Write a headline","resultSchema":"string",
                 "validation":{"externalValidationRequired":true},
                 "steps":[{"id":"h","action":"transform","expression":"'Taskmesh ships ' + inputs.what"}]}""".formatted(task))
                .post(Platform.api() + "/api/v1/tasks").then().statusCode(201);
        String runId = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"what\":\"validation\"}}")
                .post(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");

        awaitStatus(runId, "AWAITING_VALIDATION", 1);
        as("alice").get(Platform.api() + "/api/v1/runs/" + runId).then().body("result", equalTo("Taskmesh ships validation"))
                .body("complete", equalTo(false));

        as("alice").contentType(ContentType.JSON).body("{\"content\":\"Mention the scheduler too\"}")
                .post(Platform.api() + "/api/v1/runs/" + runId + "/feedback").then().statusCode(200);
        awaitStatus(runId, "AWAITING_VALIDATION", 2);
        as("alice").get(Platform.api() + "/api/v1/runs/" + runId).then()
                .body("feedbackHistory[0].content", equalTo("Mention the scheduler too"))
                .body("feedbackHistory[0].status", equalTo("PROCESSED"));

        as("vera").post(Platform.api() + "/api/v1/runs/" + runId + "/validate").then().statusCode(403);
        as("alice").post(Platform.api() + "/api/v1/runs/" + runId + "/validate").then().statusCode(200);
        awaitStatus(runId, "VALIDATED", 2);
        as("alice").get(Platform.api() + "/api/v1/runs/" + runId).then().body("successful", equalTo(true))
                .body("result", equalTo("Taskmesh ships validation"));
        as("alice").post(Platform.api() + "/api/v1/runs/" + runId + "/validate").then().statusCode(409);
        as("alice").post(Platform.api() + "/api/v1/runs/" + runId + "/cancel").then().statusCode(409);
    }

    @Test
    void aRunAwaitingValidationCanBeCancelled() {
        String task = "review-" + UUID.randomUUID().toString().substring(0, 8);
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Review","validation":{"externalValidationRequired":true},
                 "steps":[{"id":"h","action":"transform","expression":"1"}]}""".formatted(task))
                .post(Platform.api() + "/api/v1/tasks").then().statusCode(201);
        String runId = as("alice").contentType(ContentType.JSON).body("{}")
                .post(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");
        awaitStatus(runId, "AWAITING_VALIDATION", 1);
        as("alice").post(Platform.api() + "/api/v1/runs/" + runId + "/cancel").then().statusCode(200);
        awaitStatus(runId, "CANCELLED", 1);
    }

    @Test
    void aRunAsksAQuestionWaitsForTheAnswerAndFinishesWithIt() {
        String task = "greet-" + UUID.randomUUID().toString().substring(0, 8);
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Greet someone in their city","resultSchema":"string",
                 "steps":[{"id":"city","action":"ask","question":"Which city is {{ inputs.name }} in?"},
                          {"id":"greet","action":"transform","expression":"'Hello ' + inputs.name + ' in ' + steps.city.output"}]}"""
                .formatted(task)).post(Platform.api() + "/api/v1/tasks").then().statusCode(201);
        String runId = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"name\":\"Ada\"}}")
                .post(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");

        awaitStatus(runId, "AWAITING_INPUT", 1);
        as("alice").get(Platform.api() + "/api/v1/runs/" + runId).then().body("question", equalTo("Which city is Ada in?"));
        as("alice").post(Platform.api() + "/api/v1/runs/" + runId + "/validate").then().statusCode(409);
        as("alice").contentType(ContentType.JSON).body("{}")
                .post(Platform.api() + "/api/v1/runs/" + runId + "/answer").then().statusCode(422)
                .body("errors[0].field", equalTo("answer"));
        as("vera").contentType(ContentType.JSON).body("{\"content\":\"Lyon\"}")
                .post(Platform.api() + "/api/v1/runs/" + runId + "/answer").then().statusCode(403);

        as("alice").contentType(ContentType.JSON).body("{\"answer\":\"Lyon\"}")
                .post(Platform.api() + "/api/v1/runs/" + runId + "/answer").then().statusCode(200);
        awaitStatus(runId, "SUCCEEDED", 1);
        as("alice").get(Platform.api() + "/api/v1/runs/" + runId).then()
                .body("result", equalTo("Hello Ada in Lyon"))
                .body("steps.city.output", equalTo("Lyon"));
        as("alice").contentType(ContentType.JSON).body("{\"content\":\"Paris\"}")
                .post(Platform.api() + "/api/v1/runs/" + runId + "/answer").then().statusCode(409);
    }
}
