package io.taskmesh.api.run;

import static io.taskmesh.api.ApiFixtures.as;
import static io.taskmesh.api.ApiFixtures.uniqueName;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** Run lists filtered by the labels of their tasks, as task lists are. */
@QuarkusTest
class RunLabelsTest {

    @Test
    void runsAreListedByTheLabelsOfTheirTasks() {
        String team = uniqueName("team");
        String billing = task(team, "billing");
        String search = task(team, "search");
        String a = start(billing);
        String b = start(billing);
        String c = start(search);

        as("vera").get("/api/v1/runs?label=team=" + team + "&label=area=billing").then().statusCode(200)
                .body("items.id", contains(b, a));
        as("vera").get("/api/v1/runs?label=team=" + team).then().statusCode(200)
                .body("items.id", containsInAnyOrder(a, b, c));
        as("vera").get("/api/v1/runs?label=team=" + team + "&status=PENDING&limit=1").then()
                .body("items.id", contains(c));
        as("vera").get("/api/v1/tasks/" + search + "/runs?label=area=billing").then().body("items", hasSize(0));
        as("vera").get("/api/v1/runs?label=team=nobody-" + team).then().statusCode(200).body("items", hasSize(0));
        // another tenant's tasks carry the label in vain
        as("bob").get("/api/v1/runs?label=team=" + team).then().statusCode(200).body("items", hasSize(0));
        as("vera").get("/api/v1/runs?label=team").then().statusCode(400)
                .body("errors[0].field", equalTo("label"));
    }

    private static String task(String team, String area) {
        String name = uniqueName(area);
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Double a number","labels":{"team":"%s","area":"%s"},
                 "steps":[{"id":"calc","action":"transform","expression":"inputs.x * 2"}]}""".formatted(name, team, area))
                .post("/api/v1/tasks").then().statusCode(201);
        return name;
    }

    private static String start(String task) {
        return as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"x\":1}}")
                .post("/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");
    }
}
