package io.taskmesh.api.task;

import static io.taskmesh.api.ApiFixtures.as;
import static io.taskmesh.api.ApiFixtures.uniqueName;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TaskValidationTest {

    /** Every version is announced whole on Kafka: one too large to publish would hold up the events after it. */
    @Test
    void aDefinitionTooLargeToAnnounceIsRefusedAndNothingIsStored() {
        String name = uniqueName("huge");
        StringBuilder subtasks = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            subtasks.append(i == 0 ? "" : ",").append("{\"name\":\"part-").append(i).append("\",\"objective\":\"")
                    .append("x".repeat(12_000)).append("\"}");
        }
        as("alice").contentType(ContentType.JSON)
                .body("{\"name\":\"%s\",\"objective\":\"Too much\",\"subtasks\":[%s]}".formatted(name, subtasks))
                .post("/api/v1/tasks")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].message", org.hamcrest.Matchers.containsString("at most 524288"));
        as("alice").get("/api/v1/tasks/" + name).then().statusCode(404);
    }

    @Test
    void shorthandResultTypesBecomeJsonSchemas() {
        String name = uniqueName("shorthand");
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Pick a format","resultSchema":["book","movie","album"]}""".formatted(name))
                .post("/api/v1/tasks").then().statusCode(201)
                .body("definition.resultSchema.enum", equalTo(List.of("book", "movie", "album")));
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"List tags","resultSchema":"list[string]"}""".formatted(name))
                .put("/api/v1/tasks/" + name).then().statusCode(200)
                .body("definition.resultSchema.type", equalTo("array"))
                .body("definition.resultSchema.items.type", equalTo("string"));
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Title","resultSchema":"string: a title of at most ten words"}""".formatted(name))
                .put("/api/v1/tasks/" + name).then().statusCode(200)
                .body("definition.resultSchema.description", equalTo("a title of at most ten words"));
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Bad","resultSchema":"list[thing]"}""".formatted(name))
                .put("/api/v1/tasks/" + name).then().statusCode(422).body("errors.field", hasItem("resultSchema"));
    }

    @Test
    void triggersAreCheckedForCronTimezoneDatesAndExpressions() {
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Nightly","triggers":[
                  {"type":"schedule","cron":"0 61 * * *","timezone":"Europe/Paris"},
                  {"type":"schedule","cron":"0 2 * * *","timezone":"Mars/Olympus"},
                  {"type":"once","at":"tomorrow"},
                  {"type":"interval","every":"5 minutes"},
                  {"type":"event","eventType":"com.example.order.created.v1","filter":"event.data.total >"},
                  {"type":"schedule"}]}""".formatted(uniqueName("triggers")))
                .post("/api/v1/tasks").then().statusCode(422)
                .body("errors.field", hasItems("triggers[0].cron", "triggers[1].timezone", "triggers[2].at",
                        "triggers[3].every", "triggers[4].filter", "triggers[5].cron"));

        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Nightly","triggers":[
                  {"type":"schedule","cron":"0 30 2 * * *","timezone":"Europe/Paris","misfire":"once","inputs":{"x":1}},
                  {"type":"event","topic":"orders","eventType":"com.example.order.created.v1",
                   "filter":"event.data.total > 100","inputsFrom":{"x":"event.data.total"}}]}""".formatted(uniqueName("triggers")))
                .post("/api/v1/tasks").then().statusCode(201);
    }

    @Test
    void eventTriggersNameAReadableTopicAndExpressionsThatCompile() {
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"On orders","triggers":[
                  {"type":"event","eventType":"com.example.order.created.v1"},
                  {"type":"event","topic":"orders/eu","eventType":"com.example.order.created.v1"},
                  {"type":"event","topic":"taskmesh.run-events","eventType":"io.taskmesh.run.succeeded.v1"},
                  {"type":"event","topic":"orders","eventType":"com.example.order.created.v1",
                   "filter":"event.data.total >","inputsFrom":{"x":"event.data.(total)"}},
                  {"type":"event","name":"orders","topic":"orders","eventType":"com.example.order.created.v1"},
                  {"type":"event","name":"orders","topic":"orders-eu","eventType":"com.example.order.created.v1"},
                  {"type":"schedule","cron":"0 9 * * *","topic":"orders","filter":"true"}]}""".formatted(uniqueName("events")))
                .post("/api/v1/tasks").then().statusCode(422)
                .body("errors.field", hasItems("triggers[0].topic", "triggers[1].topic", "triggers[2].topic",
                        "triggers[3].filter", "triggers[3].inputsFrom.x", "triggers[5].name", "triggers[6].topic",
                        "triggers[6].filter"))
                .body("errors.find { it.field == 'triggers[0].topic' }.message", equalTo("is required"))
                .body("errors.find { it.field == 'triggers[1].topic' }.message",
                        org.hamcrest.Matchers.startsWith("is not a Kafka topic name"))
                .body("errors.find { it.field == 'triggers[2].topic' }.message",
                        org.hamcrest.Matchers.containsString("of the platform"))
                .body("errors.find { it.field == 'triggers[6].topic' }.message",
                        equalTo("is only for triggers of type event"))
                .body("errors.field", org.hamcrest.Matchers.not(hasItem("triggers[4].name")));

        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"On orders",
                 "parameters":{"type":"object","properties":{"order":{"type":"string"}}},"triggers":[
                  {"type":"event","name":"big-orders","topic":"events.orders_v2-eu","eventType":"com.example.order.created.v1",
                   "filter":"event.data.total > 100 && event.source == 'urn:shop'","inputs":{"channel":"web"},
                   "inputsFrom":{"order":"event.data.id"}}]}""".formatted(uniqueName("events")))
                .post("/api/v1/tasks").then().statusCode(201);
    }

    @Test
    void aTaskShowsTheNextFireTimeOfEachTimeTriggerUntilItIsDeactivated() {
        String name = uniqueName("next");
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Daily","triggers":[
                  {"type":"schedule","name":"nine","cron":"0 9 * * *","timezone":"Europe/Paris"},
                  {"type":"once","at":"2020-01-01T00:00:00Z"},
                  {"type":"event","topic":"things","eventType":"com.example.thing.v1"}]}""".formatted(name))
                .post("/api/v1/tasks").then().statusCode(201)
                .body("triggers.name", equalTo(List.of("nine", "once#1", "event#2")))
                .body("triggers[0].nextFireAt", org.hamcrest.Matchers.endsWith(":00:00Z"))
                .body("triggers[1].nextFireAt", org.hamcrest.Matchers.nullValue())
                .body("triggers[2].nextFireAt", org.hamcrest.Matchers.nullValue());
        as("alice").post("/api/v1/tasks/" + name + "/deactivate").then().statusCode(200)
                .body("triggers[0].nextFireAt", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void linksMustNameExistingTasksAndMustNotMakeACycle() {
        String a = uniqueName("a");
        String b = uniqueName("b");
        as("alice").contentType(ContentType.JSON).body("{\"name\":\"%s\",\"objective\":\"A\",\"dependsOn\":[\"%s\"]}"
                .formatted(a, "missing-task")).post("/api/v1/tasks").then().statusCode(422)
                .body("errors.field", hasItem("dependsOn[0]"));

        as("alice").contentType(ContentType.JSON).body("{\"name\":\"%s\",\"objective\":\"A\"}".formatted(a))
                .post("/api/v1/tasks").then().statusCode(201);
        as("alice").contentType(ContentType.JSON).body("{\"name\":\"%s\",\"objective\":\"B\",\"dependsOn\":[\"%s\"]}"
                .formatted(b, a)).post("/api/v1/tasks").then().statusCode(201);
        // bob's tenant has no task named a
        as("bob").contentType(ContentType.JSON).body("{\"name\":\"%s\",\"objective\":\"B\",\"dependsOn\":[\"%s\"]}"
                .formatted(b, a)).post("/api/v1/tasks").then().statusCode(422);

        as("alice").contentType(ContentType.JSON).body("{\"name\":\"%s\",\"objective\":\"A\",\"subtasks\":[\"%s\"]}"
                .formatted(a, b)).put("/api/v1/tasks/" + a).then().statusCode(422)
                .body("errors.message", hasItem("this makes a cycle: " + a + " -> " + b + " -> " + a));
    }

    @Test
    void tasksNamedByInlineSubtasksMustExistAndMakeNoCycle() {
        String parent = uniqueName("parent");
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Parent","subtasks":[{"name":"child","objective":"Child",
                 "dependsOn":["missing-task"]}]}""".formatted(parent)).post("/api/v1/tasks").then().statusCode(422)
                .body("errors.field", hasItem("subtasks[0].dependsOn[0]"))
                .body("errors.message", hasItem("there is no task named 'missing-task'"));
        as("alice").get("/api/v1/tasks/" + parent).then().statusCode(404);

        String leaf = uniqueName("leaf");
        as("alice").contentType(ContentType.JSON).body("{\"name\":\"%s\",\"objective\":\"Leaf\"}".formatted(leaf))
                .post("/api/v1/tasks").then().statusCode(201);
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Parent","subtasks":[{"name":"child","objective":"Child",
                 "subtasks":["%s"]}]}""".formatted(parent, leaf)).post("/api/v1/tasks").then().statusCode(201);
        // the leaf may not come back to the parent through the parent's inline subtask
        as("alice").contentType(ContentType.JSON).body("{\"name\":\"%s\",\"objective\":\"Leaf\",\"dependsOn\":[\"%s\"]}"
                .formatted(leaf, parent)).put("/api/v1/tasks/" + leaf).then().statusCode(422)
                .body("errors.message", hasItem("this makes a cycle: " + leaf + " -> " + parent + " -> " + leaf));
    }

    @Test
    void inlineSubtasksAreValidatedLikeTasks() {
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Parent","subtasks":[{"name":"child","objectiv":"typo"}]}"""
                .formatted(uniqueName("inline"))).post("/api/v1/tasks").then().statusCode(422);
    }
}
