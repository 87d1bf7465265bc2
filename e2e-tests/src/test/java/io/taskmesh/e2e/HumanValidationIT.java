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


    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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

    @Test
    void anApprovalStepStopsTheRunUntilAPersonDecidesAndTheStepsBeforeItAreNotDoneTwice() throws Exception {
        try (CountingReceiver receiver = new CountingReceiver(Duration.ZERO)) {
            String task = "publish-" + UUID.randomUUID().toString().substring(0, 8);
            as("alice").contentType(ContentType.JSON).body("""
                    {"name":"%s","objective":"Publish a post once someone approves it","limits":{"maxAttempts":3},
                     "steps":[{"id":"draft","action":"http","method":"POST","url":"%s",
                               "headers":{"X-Run-Ref":"{{ run.id }}"},"remember":{"key":"title","scope":"run"}},
                              {"id":"check","action":"approval","message":"Publish the post of {{ inputs.author }}?"},
                              {"id":"publish","action":"transform",
                               "expression":"memory.run.title.body.ref + ' approved by ' + steps.check.output.by + ': ' + steps.check.output.comment"}]}"""
                    .formatted(task, receiver.url())).post(Platform.api() + "/api/v1/tasks").then().statusCode(201);
            String approved = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"author\":\"Ada\"}}")
                    .post(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");

            awaitStatus(approved, "AWAITING_VALIDATION", 1);
            as("alice").get(Platform.api() + "/api/v1/runs/" + approved).then()
                    .body("approval.step", equalTo("check"))
                    .body("approval.message", equalTo("Publish the post of Ada?"))
                    .body("result.body.ref", equalTo(approved))
                    .body("complete", equalTo(false));
            as("alice").contentType(ContentType.JSON).body("{\"content\":\"looks good\"}")
                    .post(Platform.api() + "/api/v1/runs/" + approved + "/validate").then().statusCode(200);
            awaitStatus(approved, "SUCCEEDED", 1);
            as("alice").get(Platform.api() + "/api/v1/runs/" + approved).then()
                    .body("result", equalTo(approved + " approved by alice: looks good"));
            org.assertj.core.api.Assertions.assertThat(receiver.calls.get(approved).get())
                    .as("the step before the approval ran once").isEqualTo(1);

            String rejected = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"author\":\"Alan\"}}")
                    .post(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");
            awaitStatus(rejected, "AWAITING_VALIDATION", 1);
            as("alice").contentType(ContentType.JSON).body("{\"content\":\"not this one\"}")
                    .post(Platform.api() + "/api/v1/runs/" + rejected + "/feedback").then().statusCode(200);
            awaitStatus(rejected, "FAILED", 1);
            as("alice").get(Platform.api() + "/api/v1/runs/" + rejected).then()
                    .body("error.code", equalTo("approval-rejected"))
                    .body("error.message", org.hamcrest.Matchers.containsString("rejected by alice: not this one"));
            // a person's refusal is not retried, although the task allows three attempts
            sleep(Duration.ofSeconds(3));
            awaitStatus(rejected, "FAILED", 1);
            org.assertj.core.api.Assertions.assertThat(receiver.calls.get(rejected).get()).isEqualTo(1);
        }
    }

    @Test
    void runsRememberWhatTheirSessionAndTheirTaskKept() {
        String task = "counter-" + UUID.randomUUID().toString().substring(0, 8);
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Count the runs of a session and of the task",
                 "steps":[{"id":"session","action":"transform","remember":{"key":"count"},
                           "expression":"(has(memory.session.count) ? memory.session.count : 0) + 1"},
                          {"id":"task","action":"transform","remember":{"key":"count","scope":"permanent"},
                           "expression":"(has(memory.permanent.count) ? memory.permanent.count : 0) + 1"},
                          {"id":"both","action":"transform",
                           "expression":"{'session': steps.session.output, 'task': steps.task.output}"}]}"""
                .formatted(task)).post(Platform.api() + "/api/v1/tasks").then().statusCode(201);

        String[][] expected = {{"a", "1", "1"}, {"a", "2", "2"}, {"b", "1", "3"}, {null, "1", "4"}};
        for (String[] run : expected) {
            // what a run wrote is there for the runs requested after the scheduler recorded its outcome, which
            // follows the outcome the API shows by a few milliseconds
            sleep(Duration.ofSeconds(1));
            // a session is the tenant's, shared by every task run in it: the names are new to this test
            String body = run[0] == null ? "{}" : "{\"session\":\"" + task + "-" + run[0] + "\"}";
            String id = as("alice").contentType(ContentType.JSON).body(body)
                    .post(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");
            awaitStatus(id, "SUCCEEDED", 1);
            as("alice").get(Platform.api() + "/api/v1/runs/" + id).then()
                    .body("result.session", equalTo(Integer.parseInt(run[1])))
                    .body("result.task", equalTo(Integer.parseInt(run[2])))
                    .body("session", equalTo(run[0] == null ? null : task + "-" + run[0]));
        }
        as("alice").contentType(ContentType.JSON).body("{\"session\":\"no spaces allowed\"}")
                .post(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().statusCode(400)
                .body("errors[0].field", equalTo("session"));
    }
}
