package io.taskmesh.e2e;

import static io.taskmesh.e2e.Platform.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A trigger defined through the API fires in the scheduler and its run shows up, finished, in the API. */
class ScheduledRunIT {

    @BeforeAll
    static void startPlatform() throws Exception {
        Platform.start();
    }


    @Test
    void aOnceTriggerRunsTheTaskWithTheTriggersInputs() {
        String task = "later-" + UUID.randomUUID().toString().substring(0, 8);
        String at = OffsetDateTime.now(ZoneOffset.ofHours(2)).plusSeconds(4).withNano(0).toString();
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Double later","resultSchema":"integer",
                 "parameters":{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"]},
                 "triggers":[{"type":"once","name":"soon","at":"%s","inputs":{"x":50}}],
                 "steps":[{"id":"calc","action":"transform","expression":"inputs.x * 2"}]}""".formatted(task, at))
                .post(Platform.api() + "/api/v1/tasks").then().statusCode(201);

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                as("alice").get(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().statusCode(200)
                        .body("items", hasSize(1))
                        .body("items[0].status", equalTo("SUCCEEDED"))
                        .body("items[0].result", equalTo(100))
                        .body("items[0].inputs.x", equalTo(50))
                        .body("items[0].requestedBy", startsWith("trigger:soon@")));
    }
}
