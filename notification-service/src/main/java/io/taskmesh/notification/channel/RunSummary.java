package io.taskmesh.notification.channel;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.events.EventJson;

/**
 * The run a delivery tells about, read back from the delivery's JSON body, for channels that write it in
 * words (email, Slack): its status, or the {@code message} one of its {@code notify} steps sent.
 */
public record RunSummary(String task, int taskVersion, String status, String runId, int attempt, String result,
        String errorCode, String errorMessage, String link, String at, String step, String message) {

    /** Results longer than this are cut in messages meant to be read; the run's link has all of it. */
    public static final int RESULT_EXCERPT = 1500;

    public static RunSummary of(String payload) {
        JsonNode body = EventJson.readTree(payload);
        JsonNode data = body.path("data");
        JsonNode result = data.get("result");
        JsonNode error = data.get("error");
        return new RunSummary(data.path("task").asText(), data.path("taskVersion").asInt(),
                data.path("status").asText(), data.path("runId").asText(), data.path("attempt").asInt(),
                result == null || result.isNull() ? null : excerpt(result.isTextual() ? result.asText() : result.toPrettyString()),
                error == null ? null : error.path("code").asText(null),
                error == null ? null : error.path("message").asText(null),
                data.path("link").asText(), body.path("timestamp").asText(), data.path("step").asText(null),
                data.path("message").asText(null));
    }

    public boolean successful() {
        return "SUCCEEDED".equals(status) || "VALIDATED".equals(status);
    }

    public boolean failed() {
        return "FAILED".equals(status) || "TIMED_OUT".equals(status) || "CANCELLED".equals(status);
    }

    public String shortRunId() {
        return runId.length() > 8 ? runId.substring(0, 8) : runId;
    }

    static String excerpt(String text) {
        return text.length() <= RESULT_EXCERPT ? text : text.substring(0, RESULT_EXCERPT) + "…";
    }
}
