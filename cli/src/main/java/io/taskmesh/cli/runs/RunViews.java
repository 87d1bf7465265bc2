package io.taskmesh.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.cli.output.Json;
import io.taskmesh.cli.output.Table;
import io.taskmesh.cli.output.Text;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Runs as people read them. */
final class RunViews {

    private RunViews() {
    }

    static Table table() {
        return Table.of("ID", "TASK", "VERSION", "STATUS", "ATTEMPT", "CREATED", "DURATION");
    }

    static void row(Table table, JsonNode run) {
        table.row(run.path("id").asText(), run.path("task").asText(), run.path("taskVersion").asText(),
                run.path("status").asText(), run.path("attempt").asText(), Text.time(run.path("createdAt")),
                duration(run));
    }

    static void describe(PrintWriter out, JsonNode run) {
        out.println("Run:        " + run.path("id").asText());
        out.println("Task:       " + run.path("task").asText() + ", version " + run.path("taskVersion").asText());
        out.println("Status:     " + run.path("status").asText() + ", attempt " + run.path("attempt").asText());
        out.println("Requested:  " + Text.time(run.path("createdAt")) + " by " + Text.of(run.path("requestedBy")));
        if (run.hasNonNull("startedAt")) {
            out.println("Started:    " + Text.time(run.path("startedAt")));
        }
        if (run.hasNonNull("finishedAt")) {
            out.println("Finished:   " + Text.time(run.path("finishedAt")) + " (" + duration(run) + ")");
        }
        out.println("Inputs:     " + Text.of(run.path("inputs")));
        if (run.hasNonNull("question")) {
            out.println("Question:   " + run.get("question").asText());
        }
        JsonNode steps = run.path("steps");
        if (steps.isObject() && !steps.isEmpty()) {
            out.println("Steps:");
            steps.properties().forEach(step -> out.println("  " + step.getKey() + ": "
                    + Text.brief(step.getValue().has("output") ? step.getValue().get("output") : step.getValue())));
        }
        outcome(out, run);
        JsonNode feedback = run.path("feedbackHistory");
        if (!feedback.isEmpty()) {
            out.println("Feedback:");
            for (JsonNode f : feedback) {
                out.println("  " + Text.time(f.path("timestamp")) + " " + Text.of(f.path("by")) + " (attempt "
                        + f.path("attempt").asText() + ", " + f.path("status").asText().toLowerCase() + "): "
                        + f.path("content").asText());
            }
        }
    }

    /** {@code Result: 42} or {@code Error: code: message}, for a run that has one. */
    static void outcome(PrintWriter out, JsonNode run) {
        if (run.has("result")) {
            String result = run.get("result").isContainerNode() ? Json.pretty(run.get("result")) : Text.of(run.get("result"));
            out.println("Result:     " + result.replace("\n", "\n            "));
        }
        if (run.hasNonNull("error")) {
            out.println("Error:      " + error(run.get("error")));
        }
    }

    static String error(JsonNode error) {
        String code = error.path("code").asText("");
        String message = error.path("message").asText("");
        return code.isEmpty() ? message : message.isEmpty() ? code : code + ": " + message;
    }

    static String duration(JsonNode run) {
        try {
            if (!run.hasNonNull("startedAt") || !run.hasNonNull("finishedAt")) {
                return "-";
            }
            Duration took = Duration.between(Instant.parse(run.get("startedAt").asText()),
                    Instant.parse(run.get("finishedAt").asText()));
            if (took.toMillis() < 1000) {
                return took.toMillis() + " ms";
            }
            return took.toMillis() < 60_000 ? String.format(Locale.ROOT, "%.1f s", took.toMillis() / 1000.0)
                    : took.toSeconds() / 60 + " min " + took.toSeconds() % 60 + " s";
        } catch (DateTimeParseException e) {
            return "-";
        }
    }

    static boolean successful(JsonNode run) {
        String status = run.path("status").asText();
        return status.equals("SUCCEEDED") || status.equals("VALIDATED");
    }
}
