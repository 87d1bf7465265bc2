package io.taskmesh.cli.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The result type shorthands the API accepts ({@code integer}, {@code list[string]}, a list of choices,
 * {@code "string: a title"}), expanded to the JSON Schema the API stores for them. Only used to tell whether a
 * definition in a file is the one already stored: a shorthand this does not know counts as a change, and the
 * API has the last word on it.
 */
final class ResultTypes {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Set<String> SCALARS = Set.of("string", "integer", "number", "boolean", "object", "null");
    private static final Pattern LIST = Pattern.compile("^(?:list|array)\\[(.+)]$");
    private static final Pattern ANNOTATED = Pattern.compile("^([a-z]+(?:\\[[^]]+])?)\\s*:\\s*(.+)$", Pattern.DOTALL);

    private ResultTypes() {
    }

    /** The JSON Schema the API stores for {@code type}, or {@code type} itself when it is not a known shorthand. */
    static JsonNode expand(JsonNode type) {
        if (type.isArray() && !type.isEmpty()) {
            for (JsonNode choice : type) {
                if (choice.isContainerNode()) {
                    return type;
                }
            }
            ObjectNode schema = JSON.objectNode();
            schema.set("enum", type);
            return schema;
        }
        if (type.isTextual()) {
            ObjectNode schema = fromText(type.asText().trim());
            return schema == null ? type : schema;
        }
        return type;
    }

    private static ObjectNode fromText(String text) {
        Matcher annotated = ANNOTATED.matcher(text);
        if (annotated.matches()) {
            ObjectNode schema = fromText(annotated.group(1));
            return schema == null ? null : schema.put("description", annotated.group(2).trim());
        }
        String lower = text.toLowerCase(Locale.ROOT);
        String alias = switch (lower) {
            case "str", "text" -> "string";
            case "int" -> "integer";
            case "float", "double" -> "number";
            case "bool" -> "boolean";
            case "dict", "map" -> "object";
            default -> lower;
        };
        if (SCALARS.contains(alias)) {
            return JSON.objectNode().put("type", alias);
        }
        Matcher list = LIST.matcher(lower);
        if (list.matches()) {
            ObjectNode items = fromText(list.group(1).trim());
            if (items == null) {
                return null;
            }
            ObjectNode schema = JSON.objectNode().put("type", "array");
            schema.set("items", items);
            return schema;
        }
        return null;
    }
}
