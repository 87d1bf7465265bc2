package io.taskmesh.api;

import static io.restassured.RestAssured.given;
import static io.taskmesh.api.ApiFixtures.as;
import static io.taskmesh.api.ApiFixtures.doubleTask;
import static io.taskmesh.api.ApiFixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the API, called by every role and by nobody: viewers read, authors define tasks and
 * agents, operators run, cancel, validate and answer, admins do all of it and read the audit log; no token is
 * 401; another tenant's task or run is 404, whatever the caller's roles.
 */
@QuarkusTest
class AccessMatrixTest {

    /** The realm's users by role (all of tenant acme but bob, who is of globex with author and operator roles). */
    private static final Map<String, String> ROLE_USERS = Map.of(
            "viewer", "vera", "author", "arthur", "operator", "otto", "admin", "admin");
    private static final Set<String> READERS = Set.of("viewer", "author", "operator", "admin");
    private static final Set<String> AUTHORS = Set.of("author", "admin");
    private static final Set<String> OPERATORS = Set.of("operator", "admin");
    private static final Set<String> ADMINS = Set.of("admin");

    /** One call: what it needs (made fresh for each caller, by alice of acme), who may make it, and its answer then. */
    private record Endpoint(String name, Set<String> allowed, int success, Function<Target, Response> call) {
    }

    /** A task of acme with one run, and an agent of acme, made for one call. */
    private record Target(String task, String run, String agent, RequestSpecification caller) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET /tasks", READERS, 200, t -> t.caller().get("/api/v1/tasks")),
            new Endpoint("GET /tasks/{name}", READERS, 200, t -> t.caller().get("/api/v1/tasks/" + t.task())),
            new Endpoint("GET /tasks/{name}/versions", READERS, 200,
                    t -> t.caller().get("/api/v1/tasks/" + t.task() + "/versions")),
            new Endpoint("GET /tasks/{name}/versions/1", READERS, 200,
                    t -> t.caller().get("/api/v1/tasks/" + t.task() + "/versions/1")),
            new Endpoint("GET /tasks/{name}/runs", READERS, 200, t -> t.caller().get("/api/v1/tasks/" + t.task() + "/runs")),
            new Endpoint("GET /tasks/{name}/runs/stats", READERS, 200,
                    t -> t.caller().get("/api/v1/tasks/" + t.task() + "/runs/stats")),
            new Endpoint("GET /runs", READERS, 200, t -> t.caller().get("/api/v1/runs")),
            new Endpoint("GET /runs/{id}", READERS, 200, t -> t.caller().get("/api/v1/runs/" + t.run())),
            new Endpoint("GET /agents", READERS, 200, t -> t.caller().get("/api/v1/agents")),
            new Endpoint("GET /agents/{name}", READERS, 200, t -> t.caller().get("/api/v1/agents/" + t.agent())),
            new Endpoint("POST /tasks", AUTHORS, 201, t -> t.caller().contentType(ContentType.JSON)
                    .body(doubleTask(uniqueName("matrix"))).post("/api/v1/tasks")),
            new Endpoint("PUT /tasks/{name}", AUTHORS, 200, t -> t.caller().contentType(ContentType.JSON)
                    .body(doubleTask(t.task())).put("/api/v1/tasks/" + t.task())),
            new Endpoint("POST /tasks/{name}/deactivate", AUTHORS, 200,
                    t -> t.caller().post("/api/v1/tasks/" + t.task() + "/deactivate")),
            new Endpoint("POST /tasks/{name}/activate", AUTHORS, 200,
                    t -> t.caller().post("/api/v1/tasks/" + t.task() + "/activate")),
            new Endpoint("POST /tasks/{name}/archive", AUTHORS, 200,
                    t -> t.caller().post("/api/v1/tasks/" + t.task() + "/archive")),
            new Endpoint("PUT /agents/{name}", AUTHORS, 200, t -> t.caller().contentType(ContentType.JSON)
                    .body("{\"role\":\"a careful reviewer\"}").put("/api/v1/agents/" + t.agent())),
            new Endpoint("DELETE /agents/{name}", AUTHORS, 204, t -> t.caller().delete("/api/v1/agents/" + t.agent())),
            new Endpoint("POST /tasks/{name}/runs", OPERATORS, 202, t -> t.caller().contentType(ContentType.JSON)
                    .body("{\"inputs\":{\"x\":2}}").post("/api/v1/tasks/" + t.task() + "/runs")),
            new Endpoint("POST /runs/{id}/cancel", OPERATORS, 200, t -> t.caller().post("/api/v1/runs/" + t.run() + "/cancel")),
            // a run that awaits neither validation nor an answer: the caller may decide, the run's status refuses
            new Endpoint("POST /runs/{id}/validate", OPERATORS, 409,
                    t -> t.caller().post("/api/v1/runs/" + t.run() + "/validate")),
            new Endpoint("POST /runs/{id}/feedback", OPERATORS, 409, t -> t.caller().contentType(ContentType.JSON)
                    .body("{\"content\":\"shorter\"}").post("/api/v1/runs/" + t.run() + "/feedback")),
            new Endpoint("POST /runs/{id}/answer", OPERATORS, 409, t -> t.caller().contentType(ContentType.JSON)
                    .body("{\"answer\":\"yes\"}").post("/api/v1/runs/" + t.run() + "/answer")),
            new Endpoint("GET /audit", ADMINS, 200, t -> t.caller().get("/api/v1/audit")));

    /** Endpoints that name one of acme's tasks, runs or agents: another tenant finds nothing there. */
    private static final Set<String> NAMED = Set.of("GET /tasks/{name}", "GET /tasks/{name}/versions",
            "GET /tasks/{name}/versions/1", "GET /tasks/{name}/runs", "GET /tasks/{name}/runs/stats", "GET /runs/{id}",
            "GET /agents/{name}", "PUT /tasks/{name}", "POST /tasks/{name}/deactivate", "POST /tasks/{name}/activate",
            "POST /tasks/{name}/archive", "DELETE /agents/{name}", "POST /tasks/{name}/runs", "POST /runs/{id}/cancel",
            "POST /runs/{id}/validate", "POST /runs/{id}/feedback", "POST /runs/{id}/answer");

    @Test
    void everyEndpointAnswersEachRoleAsItsPermissionsSay() {
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (Endpoint endpoint : ENDPOINTS) {
            for (var role : ROLE_USERS.entrySet()) {
                int expected = endpoint.allowed().contains(role.getKey()) ? endpoint.success() : 403;
                Response response = endpoint.call().apply(target(as(role.getValue())));
                calls++;
                if (response.statusCode() != expected) {
                    wrong.add("%s as %s: %d, expected %d (%s)".formatted(endpoint.name(), role.getKey(),
                            response.statusCode(), expected, response.body().asString()));
                } else if (expected >= 400) {
                    assertProblem(endpoint.name() + " as " + role.getKey(), response);
                }
            }
            Response anonymous = endpoint.call().apply(target(given()));
            calls++;
            if (anonymous.statusCode() != 401) {
                wrong.add("%s without a token: %d, expected 401".formatted(endpoint.name(), anonymous.statusCode()));
            }
        }
        assertThat(wrong).as("answers that do not match the roles, of %d calls", calls).isEmpty();
    }

    @Test
    void anotherTenantsTasksRunsAndAgentsAreNotFoundWhateverTheRoles() {
        List<String> wrong = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            if (!NAMED.contains(endpoint.name())) {
                continue;
            }
            Target target = target(as("bob"));
            Response response = endpoint.call().apply(target);
            if (response.statusCode() != 404) {
                wrong.add("%s as bob of globex: %d, expected 404 (%s)".formatted(endpoint.name(), response.statusCode(),
                        response.body().asString()));
                continue;
            }
            assertProblem(endpoint.name() + " as bob", response);
            // and nothing changed for acme: the task is still active at version 1, the run not cancelled
            as("alice").get("/api/v1/tasks/" + target.task()).then().statusCode(200)
                    .body("state", org.hamcrest.Matchers.equalTo("active"))
                    .body("version", org.hamcrest.Matchers.equalTo(1));
            as("alice").get("/api/v1/runs/" + target.run()).then().statusCode(200)
                    .body("status", org.hamcrest.Matchers.not("CANCELLED"));
            as("alice").get("/api/v1/agents/" + target.agent()).then().statusCode(200);
        }
        assertThat(wrong).isEmpty();
    }

    private static void assertProblem(String call, Response response) {
        assertThat(response.contentType()).as(call).startsWith("application/problem+json");
        assertThat(response.jsonPath().getInt("status")).as(call).isEqualTo(response.statusCode());
        assertThat(response.jsonPath().getString("title")).as(call).isNotBlank();
    }

    /** A fresh task of acme with one run and a fresh agent, so that each call finds them as they were made. */
    private static Target target(RequestSpecification caller) {
        String task = uniqueName("matrix");
        as("alice").contentType(ContentType.JSON).body(doubleTask(task)).post("/api/v1/tasks").then().statusCode(201);
        String run = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"x\":1}}")
                .post("/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");
        String agent = uniqueName("matrix-agent");
        as("alice").contentType(ContentType.JSON).body("{\"role\":\"a reviewer\"}").put("/api/v1/agents/" + agent)
                .then().statusCode(201);
        return new Target(task, run, agent, caller);
    }
}
