package io.taskmesh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The few calls of the task-api the benchmark makes: define its task once, then start runs of it. */
final class TaskmeshApi {

    /** The benchmark's task: one transform step whose CEL expression does nothing worth measuring. */
    static final String TASK = "bench-noop";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEFINITION = """
            {"name": "%s", "objective": "Benchmark: one transform step that does no work",
             "resultSchema": {"type": "integer"},
             "steps": [{"id": "noop", "action": "transform", "expression": "1"}]}""".formatted(TASK);

    private final HttpClient http;
    private final String api;
    private final AccessToken token;

    TaskmeshApi(HttpClient http, String api, AccessToken token) {
        this.http = http;
        this.api = api;
        this.token = token;
    }

    /** Creates the task, or makes sure the one already there takes runs. */
    void ensureTask() {
        HttpResponse<String> created = send(request("/api/v1/tasks").POST(HttpRequest.BodyPublishers.ofString(DEFINITION)));
        if (created.statusCode() == 201) {
            return;
        }
        if (created.statusCode() != 409) {
            throw refused("creating the task " + TASK, created);
        }
        HttpResponse<String> existing = send(request("/api/v1/tasks/" + TASK).GET());
        if (existing.statusCode() != 200) {
            throw refused("reading the task " + TASK, existing);
        }
        String state = read(existing.body()).path("state").asText("active");
        if (!state.equalsIgnoreCase("active")) {
            HttpResponse<String> activated = send(request("/api/v1/tasks/" + TASK + "/activate").POST(HttpRequest.BodyPublishers.noBody()));
            if (activated.statusCode() / 100 != 2) {
                throw refused("activating the task " + TASK + " (it is " + state + ")", activated);
            }
        }
    }

    /** Starts a run and answers its id (the API's 202 carries it). */
    String startRun() {
        HttpResponse<String> response = send(request("/api/v1/tasks/" + TASK + "/runs")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": {}}")));
        if (response.statusCode() != 202) {
            throw refused("starting a run", response);
        }
        String id = read(response.body()).path("id").asText("");
        if (id.isEmpty()) {
            throw new IllegalStateException("the API answered 202 without a run id: " + response.body());
        }
        return id;
    }

    /** Defines a task of its own, or its new version when it exists. */
    void define(String name, String definition) {
        HttpResponse<String> created = send(request("/api/v1/tasks").POST(HttpRequest.BodyPublishers.ofString(definition)));
        if (created.statusCode() == 201) {
            return;
        }
        if (created.statusCode() != 409) {
            throw refused("creating the task " + name, created);
        }
        HttpResponse<String> updated = send(request("/api/v1/tasks/" + name).PUT(HttpRequest.BodyPublishers.ofString(definition)));
        if (updated.statusCode() != 200) {
            throw refused("updating the task " + name, updated);
        }
    }

    /** Starts a run of the named task with no inputs and answers its id. */
    String startRun(String task) {
        HttpResponse<String> response = send(request("/api/v1/tasks/" + task + "/runs")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": {}}")));
        if (response.statusCode() != 202) {
            throw refused("starting a run of " + task, response);
        }
        return read(response.body()).path("id").asText();
    }

    /** A GET of the API that must answer 200, as JSON. */
    JsonNode get(String path) {
        HttpResponse<String> response = send(request(path).GET());
        if (response.statusCode() != 200) {
            throw refused("GET " + path, response);
        }
        return read(response.body());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(api + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token.get())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("the task-api is not reachable at " + api + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("the task-api answered something that is not JSON: " + body, e);
        }
    }

    private static IllegalStateException refused(String what, HttpResponse<String> response) {
        String body = response.body();
        if (body.length() > 300) {
            body = body.substring(0, 300) + "…";
        }
        return new IllegalStateException(what + ": HTTP " + response.statusCode() + " " + body);
    }
}
