package io.taskmesh.e2e;

import io.taskmesh.events.EventJson;
import io.taskmesh.testing.Tokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts runs of a task through the API, each with its own {@code ref} input, round robin over the task-api
 * instances given; remembers ref → run id of each accepted run, and why the others were refused.
 */
final class LoadStarter {

    private final String task;
    private final List<String> apis;
    private final AtomicInteger next = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(5)).build();
    private final String token = Tokens.of("alice");
    final Map<String, String> accepted = new ConcurrentHashMap<>();
    final Map<String, String> refused = new ConcurrentHashMap<>();

    LoadStarter(String task, List<String> apis) {
        this.task = task;
        this.apis = apis;
    }

    LoadStarter(String task) {
        this(task, List.of(Platform.api()));
    }

    CompletableFuture<Void> start(String ref) {
        String api = apis.get(Math.floorMod(next.getAndIncrement(), apis.size()));
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + "/api/v1/tasks/" + task + "/runs"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":{\"ref\":\"" + ref + "\"}}")).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            if (response != null && response.statusCode() == 202) {
                accepted.put(ref, EventJson.readTree(response.body()).path("id").asText());
            } else {
                refused.put(ref, response == null ? failure.toString() : response.statusCode() + " " + response.body());
            }
            return null;
        });
    }
}
