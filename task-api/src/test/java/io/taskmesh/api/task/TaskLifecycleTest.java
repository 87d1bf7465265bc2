package io.taskmesh.api.task;

import static io.taskmesh.api.ApiFixtures.as;
import static io.taskmesh.api.ApiFixtures.doubleTask;
import static io.taskmesh.api.ApiFixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.TaskDefinitionChanged;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TaskLifecycleTest {

    private static void create(String body) {
        as("alice").contentType(ContentType.JSON).body(body).post("/api/v1/tasks").then().statusCode(201);
    }

    @Test
    void aDeactivatedTaskTakesNoRunsUntilActivatedAndAnArchivedOneIsReadOnlyAndHidden() {
        String name = uniqueName("life");
        create(doubleTask(name));
        try (KafkaProbe probe = KafkaProbe.watch(Topics.TASK_DEFINITIONS)) {
            as("alice").post("/api/v1/tasks/" + name + "/deactivate").then().statusCode(200).body("state", equalTo("inactive"));
            KafkaProbe.Event event = probe.await(e -> name.equals(e.subject())
                    && EventJson.read(e.value(), TaskDefinitionChanged.class).state().equals("inactive"), Duration.ofSeconds(20));
            assertThat(EventJson.read(event.value(), TaskDefinitionChanged.class).version()).isEqualTo(1);
        }
        as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"x\":1}}").post("/api/v1/tasks/" + name + "/runs")
                .then().statusCode(409).contentType("application/problem+json");
        as("alice").get("/api/v1/tasks?state=inactive").then().body("items.name", hasItem(name));

        as("alice").post("/api/v1/tasks/" + name + "/activate").then().statusCode(200).body("state", equalTo("active"));
        as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"x\":1}}").post("/api/v1/tasks/" + name + "/runs")
                .then().statusCode(202);

        as("alice").post("/api/v1/tasks/" + name + "/archive").then().statusCode(200).body("state", equalTo("archived"));
        as("alice").get("/api/v1/tasks?limit=500").then().body("items.name", not(hasItem(name)));
        as("alice").get("/api/v1/tasks?state=archived&limit=500").then().body("items.name", hasItem(name));
        as("alice").post("/api/v1/tasks/" + name + "/activate").then().statusCode(409);
        as("alice").contentType(ContentType.JSON).body(doubleTask(name)).put("/api/v1/tasks/" + name).then().statusCode(409);
        as("alice").get("/api/v1/tasks/" + name).then().statusCode(200).body("state", equalTo("archived"));
        as("vera").post("/api/v1/tasks/" + name + "/deactivate").then().statusCode(403);
    }

    @Test
    void versionsAreListedNewestFirst() {
        String name = uniqueName("versions");
        create(doubleTask(name));
        as("bob").get("/api/v1/tasks/" + name + "/versions").then().statusCode(404);
        as("alice").contentType(ContentType.JSON).body(doubleTask(name)).put("/api/v1/tasks/" + name).then().statusCode(200);
        as("alice").get("/api/v1/tasks/" + name + "/versions").then().statusCode(200)
                .body("version", contains(2, 1)).body("createdBy", hasItems("alice"));
        as("alice").get("/api/v1/tasks/" + name + "/versions/3").then().statusCode(404);
    }

    @Test
    void listsFilterByLabelAndTextAndPageWithACursor() {
        String marker = uniqueName("page");
        for (int i = 0; i < 3; i++) {
            create("""
                    {"name":"%s-%d","title":"Report %s","objective":"Summarise the week","labels":{"team":"%s","n":"%d"}}"""
                    .formatted(marker, i, marker, marker, i));
        }
        create("{\"name\":\"%s-other\",\"objective\":\"Something else\",\"labels\":{\"team\":\"other\"}}".formatted(marker));

        as("alice").get("/api/v1/tasks?label=team=" + marker).then().statusCode(200)
                .body("items.name", contains(marker + "-0", marker + "-1", marker + "-2"));
        as("alice").get("/api/v1/tasks?label=team=" + marker + "&label=n=1").then()
                .body("items.name", contains(marker + "-1"));
        as("alice").get("/api/v1/tasks?q=" + "report " + marker).then().body("items.name", hasItems(marker + "-0"))
                .body("items.name", not(hasItem(marker + "-other")));

        String cursor = as("alice").get("/api/v1/tasks?label=team=" + marker + "&limit=2").then()
                .body("items.name", contains(marker + "-0", marker + "-1")).extract().path("nextCursor");
        as("alice").get("/api/v1/tasks?label=team=" + marker + "&limit=2&cursor=" + cursor).then()
                .body("items.name", contains(marker + "-2")).body("nextCursor", nullValue());
        as("bob").get("/api/v1/tasks?label=team=" + marker).then().body("items", equalTo(List.of()));
        as("alice").get("/api/v1/tasks?state=sleeping&label=oops").then().statusCode(400)
                .body("errors.field", hasItems("state", "label"));
    }
}
