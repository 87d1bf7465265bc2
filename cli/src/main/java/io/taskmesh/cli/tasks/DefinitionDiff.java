package io.taskmesh.cli.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.cli.output.Text;
import io.taskmesh.events.ResultTypes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What changes between the stored definition of a task and the one in a file, by top-level field. */
final class DefinitionDiff {

    /** One top-level field that is added, removed or changed. */
    record Change(String field, String kind, JsonNode before, JsonNode after) {

        /** {@code ~ objective: "Double a number" → "Double any number"} */
        String describe() {
            return switch (kind) {
                case "added" -> "+ " + field + ": " + Text.brief(after);
                case "removed" -> "- " + field;
                default -> "~ " + field + ": " + Text.brief(before) + " → " + Text.brief(after);
            };
        }
    }

    /** Numbers are equal by value (1, 1.0 and a long 1 alike), whatever JSON or YAML made of them. */
    private static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
        }
        return 1;
    };

    private DefinitionDiff() {
    }

    /** The definition in a file as the API would store it: result type shorthands expanded. */
    static JsonNode normalized(JsonNode definition) {
        if (definition instanceof ObjectNode object && object.has("resultSchema")) {
            ObjectNode copy = object.deepCopy();
            copy.set("resultSchema", expand(object.get("resultSchema")));
            return copy;
        }
        return definition;
    }

    /** In the order of the file's fields, then the fields the file no longer has. */
    /**
     * The JSON Schema the API stores for a result type; a shorthand it would refuse stays as written (it then
     * counts as a change, and the API has the last word on it).
     */
    private static JsonNode expand(JsonNode type) {
        try {
            return ResultTypes.toSchema(type);
        } catch (IllegalArgumentException notAShorthand) {
            return type;
        }
    }

    static List<Change> between(JsonNode stored, JsonNode local) {
        JsonNode wanted = normalized(local);
        Set<String> fields = new LinkedHashSet<>();
        wanted.fieldNames().forEachRemaining(fields::add);
        stored.fieldNames().forEachRemaining(fields::add);
        List<Change> changes = new ArrayList<>();
        for (String field : fields) {
            JsonNode before = stored.get(field);
            JsonNode after = wanted.get(field);
            if (before == null || before.isNull()) {
                if (after != null && !after.isNull()) {
                    changes.add(new Change(field, "added", null, after));
                }
            } else if (after == null || after.isNull()) {
                changes.add(new Change(field, "removed", before, null));
            } else if (!before.equals(BY_VALUE, after)) {
                changes.add(new Change(field, "changed", before, after));
            }
        }
        return changes;
    }
}
