package io.taskmesh.api.run;

import static io.taskmesh.api.ApiFixtures.as;
import static io.taskmesh.api.ApiFixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunCommand;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The read model of run graphs: the nodes the scheduler creates, their links, children and lists by parent. */
@QuarkusTest
class RunGraphViewTest {

    /** An event as the scheduler announces a node of a graph. */
    private static void announce(String runId, String task, RunStatus status, long seq, String origin, String parent,
            List<String> dependencies, String definedIn) {
        RunEvent event = new RunEvent("acme", runId, task, 1, status, seq, 0, null,
                status == RunStatus.CANCELLED ? new RunEvent.RunError("cancelled", "cancelled by alice") : null,
                Instant.now(), origin == null ? null : EventJson.readTree("{\"city\":\"Lyon\"}"), origin, null, parent,
                dependencies, definedIn);
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(), event.type(), runId,
                EventJson.write(event));
    }

    @Test
    void aRunShowsItsParentDependenciesAndChildrenAndListsFilterByParent() {
        String fetch = uniqueName("fetch");
        String report = uniqueName("report");
        as("alice").contentType(ContentType.JSON).body("{\"name\":\"%s\",\"objective\":\"Fetch\"}".formatted(fetch))
                .post("/api/v1/tasks").then().statusCode(201);
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Report","dependsOn":["%s"],
                 "subtasks":[{"name":"count","objective":"Count"},{"name":"chart","objective":"Chart"}]}"""
                .formatted(report, fetch)).post("/api/v1/tasks").then().statusCode(201);
        String root = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"city\":\"Lyon\"}}")
                .post("/api/v1/tasks/" + report + "/runs").then().statusCode(202).extract().path("id");
        String fetchRun = UUID.randomUUID().toString();
        String countRun = UUID.randomUUID().toString();
        String chartRun = UUID.randomUUID().toString();

        // what the scheduler announces when it expands the run
        announce(root, report, RunStatus.PENDING, 1, null, null, List.of(fetchRun), null);
        announce(fetchRun, fetch, RunStatus.PENDING, 1, "graph:" + root, null, List.of(), null);
        announce(countRun, "count", RunStatus.PENDING, 1, "graph:" + root, root, List.of(fetchRun), report);
        announce(chartRun, "chart", RunStatus.PENDING, 1, "graph:" + root, root, List.of(fetchRun), report);

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                as("alice").get("/api/v1/runs/" + root).then().statusCode(200)
                        .body("dependencyRunIds", contains(fetchRun))
                        .body("parentRunId", nullValue())
                        .body("children.id", contains(countRun, chartRun))
                        .body("children.task", contains("count", "chart"))
                        .body("children.status", contains("PENDING", "PENDING")));
        as("alice").get("/api/v1/runs/" + countRun).then().statusCode(200)
                .body("task", equalTo("count")).body("taskVersion", equalTo(1))
                .body("parentRunId", equalTo(root)).body("dependencyRunIds", contains(fetchRun))
                .body("requestedBy", equalTo("graph:" + root)).body("inputs.city", equalTo("Lyon"))
                .body("children", nullValue());
        as("alice").get("/api/v1/runs/" + fetchRun).then().statusCode(200)
                .body("task", equalTo(fetch)).body("parentRunId", nullValue());

        List<String> listed = as("alice").get("/api/v1/runs?parent=" + root).then().statusCode(200)
                .extract().path("items.id");
        assertThat(listed).containsExactlyInAnyOrder(countRun, chartRun);
        as("alice").get("/api/v1/runs?parent=" + root + "&limit=1").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].parentRunId", equalTo(root));
        as("alice").get("/api/v1/runs?parent=" + fetchRun).then().statusCode(200).body("items.size()", equalTo(0));
        as("alice").get("/api/v1/tasks/" + report + "/runs?parent=" + root).then().statusCode(200)
                .body("items.size()", equalTo(0));
        as("alice").get("/api/v1/runs?parent=" + UUID.randomUUID()).then().statusCode(404);
        as("bob").get("/api/v1/runs?parent=" + root).then().statusCode(404);
        as("alice").get("/api/v1/runs?parent=nope").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("parent"));

        // cancelling the root asks the scheduler once; its subtree's cancellations show as they are announced
        try (KafkaProbe commands = KafkaProbe.watch(Topics.RUN_COMMANDS)) {
            as("alice").post("/api/v1/runs/" + root + "/cancel").then().statusCode(200);
            KafkaProbe.Event cancel = commands.await(e -> root.equals(e.key()), Duration.ofSeconds(20));
            assertThat(cancel.type()).isEqualTo(RunCommand.CANCEL);
            assertThat(commands.watchFor(Duration.ofSeconds(1)).seen(e -> !root.equals(e.key()) && RunCommand.CANCEL.equals(e.type())
                    && e.value().contains(countRun))).isEmpty();
        }
        announce(root, report, RunStatus.CANCELLED, 2, null, null, null, null);
        announce(countRun, "count", RunStatus.CANCELLED, 2, null, null, null, null);
        announce(chartRun, "chart", RunStatus.CANCELLED, 2, null, null, null, null);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                as("alice").get("/api/v1/runs/" + root).then().statusCode(200).body("status", equalTo("CANCELLED"))
                        .body("children.status", contains("CANCELLED", "CANCELLED"))
                        .body("dependencyRunIds", contains(fetchRun)));
    }
}
