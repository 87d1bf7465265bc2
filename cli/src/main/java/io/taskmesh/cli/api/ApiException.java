package io.taskmesh.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.cli.CliException;
import io.taskmesh.cli.ExitCode;
import io.taskmesh.cli.output.Json;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An error answer of the API, told the way its RFC 9457 problem body tells it: the title, the detail, and
 * each offending field with its message.
 */
public final class ApiException extends CliException {

    private final int status;
    private final JsonNode problem;

    private ApiException(int status, JsonNode problem, String message, List<String> details) {
        super(exitCodeOf(status), message, details);
        this.status = status;
        this.problem = problem;
    }

    public int status() {
        return status;
    }

    /** The problem body, or a missing node when the answer had none. */
    public JsonNode problem() {
        return problem;
    }

    static ApiException of(int status, String body) {
        JsonNode problem = parse(body);
        String title = problem.path("title").asText("");
        String detail = problem.path("detail").asText("");
        String message;
        if (title.isEmpty() && detail.isEmpty()) {
            message = switch (status) {
                case 401 -> "the API did not accept the token (401): log in with 'taskmesh login'";
                case 403 -> "not allowed (403): your roles do not permit this";
                case 404 -> "not found (404)";
                default -> "the API answered " + status;
            };
        } else if (detail.isEmpty() || detail.equals(title)) {
            message = title.isEmpty() ? detail : title;
        } else {
            message = title.isEmpty() ? detail : title + ": " + detail;
        }
        List<String> details = new ArrayList<>();
        for (JsonNode error : problem.path("errors")) {
            String field = error.path("field").asText("");
            details.add((field.isEmpty() ? "(body)" : field) + ": " + error.path("message").asText());
        }
        return new ApiException(status, problem, message, details);
    }

    static int exitCodeOf(int status) {
        return switch (status) {
            case 400, 422 -> ExitCode.INVALID;
            case 401, 403 -> ExitCode.AUTH;
            case 404 -> ExitCode.NOT_FOUND;
            default -> ExitCode.FAILED;
        };
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        try {
            JsonNode node = Json.parse(body);
            return node.isObject() ? node : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        } catch (UncheckedIOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }
}
