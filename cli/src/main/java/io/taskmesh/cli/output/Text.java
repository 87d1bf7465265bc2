package io.taskmesh.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** JSON values as short text for tables. */
public final class Text {

    private Text() {
    }

    public static String of(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "-";
        }
        return node.isValueNode() ? node.asText() : Json.compact(node);
    }

    /** An instant to the second, in UTC: {@code 2026-03-05T10:12:13Z}. */
    public static String time(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return "-";
        }
        try {
            return Instant.parse(node.asText()).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return node.asText();
        }
    }

    /** A value in one short line: strings quoted, containers summarised. */
    public static String brief(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "(none)";
        }
        String text = node.isTextual() ? '"' + node.asText() + '"' : Json.compact(node);
        return text.length() > 60 ? text.substring(0, 59) + "…" : text;
    }
}
