package io.taskmesh.api.task;

import static io.restassured.RestAssured.given;
import static io.taskmesh.api.ApiFixtures.as;
import static io.taskmesh.api.ApiFixtures.doubleTask;
import static io.taskmesh.api.ApiFixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.http.ContentType;
import io.taskmesh.events.EventSchemas;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.TaskDefinitionChanged;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TaskResourceTest {

    @Test
    void anAuthorCreatesATaskAndTheChangeIsPublishedWithItsFullDefinition() {
        String name = uniqueName("double");
        try (KafkaProbe probe = KafkaProbe.watch(Topics.TASK_DEFINITIONS)) {
            as("alice").contentType(ContentType.JSON).body(doubleTask(name))
                    .post("/api/v1/tasks")
                    .then().statusCode(201)
                    .header("Location", endsWith("/api/v1/tasks/" + name))
                    .body("name", equalTo(name))
                    .body("state", equalTo("active"))
                    .body("version", equalTo(1))
                    .body("definition.steps[0].expression", equalTo("inputs.x * 2"));

            KafkaProbe.Event event = probe.await(e -> name.equals(e.subject()), Duration.ofSeconds(20));
            assertThat(event.type()).isEqualTo(TaskDefinitionChanged.TYPE);
            assertThat(EventSchemas.violations(event.type(), EventJson.readTree(event.value()))).isEmpty();
            TaskDefinitionChanged data = EventJson.read(event.value(), TaskDefinitionChanged.class);
            assertThat(data.tenant()).isEqualTo("acme");
            assertThat(data.definition().path("objective").asText()).isEqualTo("Double a number");
        }
        as("alice").get("/api/v1/tasks/" + name).then().statusCode(200).body("version", equalTo(1));
        as("vera").get("/api/v1/tasks?q=" + name).then().statusCode(200).body("items.name", hasItem(name));
    }

    @Test
    void anUpdateMakesANewVersionAndKeepsTheOldOne() {
        String name = uniqueName("versioned");
        as("alice").contentType(ContentType.JSON).body(doubleTask(name)).post("/api/v1/tasks").then().statusCode(201);

        as("alice").contentType(ContentType.JSON)
                .body(doubleTask(name).replace("inputs.x * 2", "inputs.x * 3"))
                .put("/api/v1/tasks/" + name)
                .then().statusCode(200).body("version", equalTo(2));

        as("alice").get("/api/v1/tasks/" + name + "/versions/1").then().statusCode(200)
                .body("definition.steps[0].expression", equalTo("inputs.x * 2"));
        as("alice").get("/api/v1/tasks/" + name).then().statusCode(200)
                .body("definition.steps[0].expression", equalTo("inputs.x * 3"));
    }

    @Test
    void aDefinitionInYamlIsAccepted() {
        String name = uniqueName("yaml");
        String yaml = """
                name: %s
                objective: Greet someone
                steps:
                  - id: greet
                    action: transform
                    expression: "'Hello, ' + inputs.who"
                """.formatted(name);
        as("alice").config(RestAssured.config().encoderConfig(
                        EncoderConfig.encoderConfig().encodeContentTypeAs("application/yaml", ContentType.TEXT)))
                .contentType("application/yaml").body(yaml).post("/api/v1/tasks")
                .then().statusCode(201).body("definition.steps[0].id", equalTo("greet"));
    }

    @Test
    void anInvalidDefinitionIsRefusedWithEveryOffendingFieldAndNothingIsStored() {
        String name = uniqueName("broken");
        String body = """
                {"name":"%s","objectiv":"typo","limits":{"maxAttempts":0,"maxConcurrentRuns":0,"concurrencyPolicy":"drop"},
                 "notifications":[{"events":["DONE"],"url":"ftp://example"},{"events":["FAILED"],"channel":"email"}],
                 "parameters":{"type":"nope"},
                 "steps":[{"id":"a","action":"transform","expression":"inputs.x *"},{"id":"a","action":"fly"}]}"""
                .formatted(name);

        as("alice").contentType(ContentType.JSON).body(body).post("/api/v1/tasks")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("status", equalTo(422))
                .body("errors.field", hasItems("objective", "objectiv", "limits.maxAttempts", "limits.maxConcurrentRuns",
                        "limits.concurrencyPolicy", "notifications[0].events[0]", "notifications[0].url", "notifications[1].to",
                        "parameters.type",
                        "steps[0].expression", "steps[1].action", "steps[1].id"));

        as("alice").get("/api/v1/tasks/" + name).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aBodyThatIsNotJsonIsABadRequest() {
        as("alice").contentType(ContentType.JSON).body("{\"name\": ").post("/api/v1/tasks")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aSecondTaskWithTheSameNameConflicts() {
        String name = uniqueName("twice");
        as("alice").contentType(ContentType.JSON).body(doubleTask(name)).post("/api/v1/tasks").then().statusCode(201);
        as("alice").contentType(ContentType.JSON).body(doubleTask(name)).post("/api/v1/tasks").then().statusCode(409);
    }

    @Test
    void withoutATokenEverythingIsUnauthorized() {
        given().get("/api/v1/tasks").then().statusCode(401);
        given().contentType(ContentType.JSON).body(doubleTask(uniqueName("anon"))).post("/api/v1/tasks")
                .then().statusCode(401);
    }

    @Test
    void aViewerCannotDefineTasks() {
        as("vera").contentType(ContentType.JSON).body(doubleTask(uniqueName("viewer"))).post("/api/v1/tasks")
                .then().statusCode(403);
    }

    @Test
    void anotherTenantsTaskDoesNotExistForYou() {
        String name = uniqueName("private");
        as("alice").contentType(ContentType.JSON).body(doubleTask(name)).post("/api/v1/tasks").then().statusCode(201);

        as("bob").get("/api/v1/tasks/" + name).then().statusCode(404);
        // the same name is free in bob's tenant
        as("bob").contentType(ContentType.JSON).body(doubleTask(name)).post("/api/v1/tasks").then().statusCode(201);
    }
}
