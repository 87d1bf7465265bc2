package io.taskmesh.e2e;

import static io.taskmesh.e2e.Platform.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run graph across the four services: task-api stores the root run, the scheduler expands it into one run per
 * node and hands each out once what it needs has succeeded, the executor carries out their transform steps with
 * their dependencies' results in {@code context}, and task-api shows every node, linked.
 */
class RunGraphIT {

    @BeforeAll
    static void startPlatform() throws Exception {
        Platform.start();
    }

    private static void define(String definition) {
        as("alice").contentType(ContentType.JSON).body(definition).post(Platform.api() + "/api/v1/tasks")
                .then().statusCode(201);
    }

    private static JsonPath run(String id) {
        return as("alice").get(Platform.api() + "/api/v1/runs/" + id).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aDiamondOfTransformsSucceedsWithEachNodeRunOnceAndItsResultVisible() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String d = "d-" + suffix;
        String b = "b-" + suffix;
        String c = "c-" + suffix;
        String a = "a-" + suffix;
        define("""
                {"name":"%s","objective":"One more","parameters":{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"]},
                 "steps":[{"id":"inc","action":"transform","expression":"inputs.x + 1"}]}""".formatted(d));
        define("""
                {"name":"%s","objective":"Twice D","dependsOn":["%s"],
                 "steps":[{"id":"twice","action":"transform","expression":"context.dependencies['%s'] * 2"}]}""".formatted(b, d, d));
        define("""
                {"name":"%s","objective":"Thrice D","dependsOn":["%s"],
                 "steps":[{"id":"thrice","action":"transform","expression":"context.dependencies['%s'] * 3"}]}""".formatted(c, d, d));
        define("""
                {"name":"%s","objective":"Sum B and C, labelled","dependsOn":["%s","%s"],
                 "parameters":{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"]},
                 "subtasks":[{"name":"label","objective":"Name the figure",
                              "steps":[{"id":"name","action":"transform","expression":"'total'"}]}],
                 "resultSchema":{"type":"object","required":["label","value"]},
                 "steps":[{"id":"sum","action":"transform",
                           "expression":"{'label': context.subtasks.label, 'value': context.dependencies['%s'] + context.dependencies['%s']}"}]}"""
                .formatted(a, b, c, b, c));

        String root = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"x\":21}}")
                .post(Platform.api() + "/api/v1/tasks/" + a + "/runs").then().statusCode(202).extract().path("id");

        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                as("alice").get(Platform.api() + "/api/v1/runs/" + root).then().statusCode(200)
                        .body("status", equalTo("SUCCEEDED"))
                        .body("result.label", equalTo("total")).body("result.value", equalTo(110)));

        // each node is a run of its own, linked, with its result
        JsonPath top = run(root);
        List<String> dependencies = top.getList("dependencyRunIds");
        assertThat(dependencies).hasSize(2);
        JsonPath first = run(dependencies.get(0));
        JsonPath second = run(dependencies.get(1));
        JsonPath twice = first.getString("task").equals(b) ? first : second;
        JsonPath thrice = twice == first ? second : first;
        assertThat(twice.getString("task")).isEqualTo(b);
        assertThat(twice.getInt("result")).isEqualTo(44);
        assertThat(thrice.getString("task")).isEqualTo(c);
        assertThat(thrice.getInt("result")).isEqualTo(66);
        assertThat(twice.getList("dependencyRunIds")).isEqualTo(thrice.getList("dependencyRunIds")).hasSize(1);
        JsonPath shared = run(twice.getList("dependencyRunIds", String.class).getFirst());
        assertThat(shared.getString("task")).isEqualTo(d);
        assertThat(shared.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(shared.getInt("result")).isEqualTo(22);
        assertThat(shared.getString("requestedBy")).isEqualTo("graph:" + root);
        for (JsonPath dependent : List.of(twice, thrice)) {
            assertThat(dependent.getString("status")).isEqualTo("SUCCEEDED");
            assertThat(Instant.parse(dependent.getString("startedAt")))
                    .isAfterOrEqualTo(Instant.parse(shared.getString("finishedAt")));
        }
        assertThat(Instant.parse(top.getString("startedAt")))
                .isAfterOrEqualTo(Instant.parse(twice.getString("finishedAt")))
                .isAfterOrEqualTo(Instant.parse(thrice.getString("finishedAt")));

        // the subtask defined inline is the root's child
        assertThat(top.getList("children.task")).containsExactly("label");
        String label = top.getString("children[0].id");
        assertThat(run(label).getString("result")).isEqualTo("total");
        assertThat(run(label).getString("parentRunId")).isEqualTo(root);
        as("alice").get(Platform.api() + "/api/v1/runs?parent=" + root).then().statusCode(200)
                .body("items.id", equalTo(List.of(label)));

        // the shared dependency ran once: one run of D, one attempt
        as("alice").get(Platform.api() + "/api/v1/tasks/" + d + "/runs").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].attempt", equalTo(1));
    }

    @Test
    void aTaskStepRunsAnotherTaskAsASubtaskAndGoesOnWithItsResult() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String weather = "weather-" + suffix;
        String trip = "trip-" + suffix;
        define("""
                {"name":"%s","objective":"Say the weather","resultSchema":"string",
                 "parameters":{"type":"object","properties":{"city":{"type":"string"},
                                "unit":{"type":"string","default":"C"}},"required":["city","unit"]},
                 "steps":[{"id":"say","action":"transform","expression":"inputs.city + ' is sunny, 21 ' + inputs.unit"}]}""".formatted(weather));
        define("""
                {"name":"%s","objective":"Plan a trip","resultSchema":"string",
                 "steps":[{"id":"before","action":"transform","expression":"'Pack'"},
                          {"id":"weather","action":"task","task":"%s","inputs":{"city":"{{ inputs.city }}"}},
                          {"id":"plan","action":"transform","expression":"steps.before.output + ' for: ' + steps.weather.output"}]}"""
                .formatted(trip, weather));

        String parent = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"city\":\"Lyon\"}}")
                .post(Platform.api() + "/api/v1/tasks/" + trip + "/runs").then().statusCode(202).extract().path("id");
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                as("alice").get(Platform.api() + "/api/v1/runs/" + parent).then().statusCode(200)
                        .body("status", equalTo("SUCCEEDED")).body("result", equalTo("Pack for: Lyon is sunny, 21 C")));

        JsonPath top = run(parent);
        assertThat(top.getInt("attempt")).isEqualTo(1);
        assertThat(top.getList("children.task")).containsExactly(weather);
        JsonPath child = run(top.getString("children[0].id"));
        assertThat(child.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(child.getString("parentRunId")).isEqualTo(parent);
        assertThat(child.getString("inputs.city")).isEqualTo("Lyon");
        assertThat(child.getString("inputs.unit")).as("the default of a parameter the step leaves out").isEqualTo("C");
        assertThat(Instant.parse(top.getString("finishedAt"))).isAfterOrEqualTo(Instant.parse(child.getString("finishedAt")));

        // a run that fails, and a task the step cannot run, fail the step, with the reason
        String broken = "broken-" + suffix;
        define("""
                {"name":"%s","objective":"Give a number","resultSchema":"integer",
                 "steps":[{"id":"word","action":"transform","expression":"'seven'"}]}""".formatted(broken));
        String lost = "lost-" + suffix;
        define("""
                {"name":"%s","objective":"Ask tasks that fail or do not exist",
                 "steps":[{"id":"number","action":"task","task":"{{ inputs.task }}"}]}""".formatted(lost));
        for (String[] expected : List.of(new String[] {broken, "ended FAILED: the result does not match"},
                new String[] {"nowhere-" + suffix, "there is no task 'nowhere-" + suffix + "'"})) {
            String failed = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"task\":\"" + expected[0] + "\"}}")
                    .post(Platform.api() + "/api/v1/tasks/" + lost + "/runs").then().statusCode(202).extract().path("id");
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    as("alice").get(Platform.api() + "/api/v1/runs/" + failed).then().statusCode(200)
                            .body("status", equalTo("FAILED")).body("error.code", equalTo("subtask-failed"))
                            .body("error.message", org.hamcrest.Matchers.containsString(expected[1])));
        }
    }
}
