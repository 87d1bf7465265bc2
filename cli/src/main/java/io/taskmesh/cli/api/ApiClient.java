package io.taskmesh.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.taskmesh.cli.CliException;
import io.taskmesh.cli.ExitCode;
import io.taskmesh.cli.output.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The task-api over HTTP: JSON in and out, the caller's bearer token on every request. */
public final class ApiClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final String base;
    private final Supplier<String> token;

    public ApiClient(HttpClient http, String base, Supplier<String> token) {
        this.http = http;
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    public String base() {
        return base;
    }

    public JsonNode get(String path) {
        return get(path, Query.of());
    }

    public JsonNode get(String path, Query query) {
        return send(request(path + query).GET());
    }

    /** The resource, or empty when the API answers 404. */
    public Optional<JsonNode> find(String path) {
        try {
            return Optional.of(get(path));
        } catch (ApiException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public JsonNode post(String path, JsonNode body) {
        return post(path, body, Map.of());
    }

    public JsonNode post(String path, JsonNode body, Map<String, String> headers) {
        HttpRequest.Builder request = request(path).POST(body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(Json.compact(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return send(request);
    }

    public JsonNode put(String path, JsonNode body) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(Json.compact(body))));
    }

    /** Server-Sent Events from {@code path}, handed to {@code listener} on a thread of its own until closed. */
    public EventStream stream(String path, Query query, EventStream.Listener listener) {
        HttpRequest request = HttpRequest.newBuilder(uri(path + query))
                .header("Authorization", "Bearer " + token.get())
                .header("Accept", "text/event-stream")
                .GET().build();
        return EventStream.open(http, request, listener);
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token.get())
                .header("Accept", "application/json, application/problem+json");
    }

    private URI uri(String pathAndQuery) {
        try {
            return URI.create(base + pathAndQuery);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("not a valid API address: " + base + pathAndQuery);
        }
    }

    private JsonNode send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        HttpResponse<String> response = Http.send(http, request, HttpResponse.BodyHandlers.ofString(), "the task-api at " + base);
        if (response.statusCode() >= 400) {
            throw ApiException.of(response.statusCode(), response.body());
        }
        String body = response.body();
        return body == null || body.isBlank() ? MissingNode.getInstance() : Json.parse(body);
    }

    /** Sending with failures told in a sentence: which server could not be reached, and why. */
    public static final class Http {

        private Http() {
        }

        public static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler,
                String what) {
            try {
                return http.send(request, handler);
            } catch (ConnectException e) {
                throw new CliException(ExitCode.FAILED, "cannot reach " + what + " (is it running? 'bin/taskmesh up' starts it)");
            } catch (HttpTimeoutException e) {
                throw new CliException(ExitCode.FAILED, what + " did not answer in time");
            } catch (IOException e) {
                throw new CliException(ExitCode.FAILED, "talking to " + what + " failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCode.FAILED, "interrupted");
            }
        }
    }
}
