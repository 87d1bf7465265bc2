package io.taskmesh.api.audit;

import static io.taskmesh.api.ApiFixtures.as;
import static io.taskmesh.api.ApiFixtures.doubleTask;
import static io.taskmesh.api.ApiFixtures.uniqueName;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuditTest {

    @Test
    void everyChangeIsAuditedAndOnlyAdminsReadTheLog() {
        String name = uniqueName("audited");
        as("alice").contentType(ContentType.JSON).body(doubleTask(name)).post("/api/v1/tasks").then().statusCode(201);
        as("alice").contentType(ContentType.JSON).body(doubleTask(name)).put("/api/v1/tasks/" + name).then().statusCode(200);
        as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"x\":1}}").post("/api/v1/tasks/" + name + "/runs")
                .then().statusCode(202);
        as("alice").post("/api/v1/tasks/" + name + "/deactivate").then().statusCode(200);

        as("admin").get("/api/v1/audit?target=" + name).then().statusCode(200)
                .body("action", contains("task.deactivate", "run.start", "task.update", "task.create"))
                .body("subject", everyItem(equalTo("alice")))
                .body("remoteAddress", everyItem(notNullValue()))
                .body("[1].version", equalTo(2));
        as("admin").get("/api/v1/audit?target=" + name + "&action=task.create").then()
                .body("action", contains("task.create"));
        as("alice").get("/api/v1/audit").then().statusCode(403);
        as("vera").get("/api/v1/audit").then().statusCode(403);
    }
}
