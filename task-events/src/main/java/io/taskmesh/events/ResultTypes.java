package io.taskmesh.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The result types users write in ControlFlow's and KaibanJS's way, turned into the JSON Schema the
 * platform checks results against: {@code "integer"}, {@code "list[string]"}, a list of choices like
 * {@code ["book","movie","album"]}, an annotated {@code "string: a title of at most ten words"}.
 * A JSON Schema object is kept as it is. task-api stores what this gives; the client expands a file's
 * shorthands the same way to tell whether it differs from what is stored.
 */
public final class ResultTypes {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Set<String> SCALARS = Set.of("string", "integer", "number", "boolean", "object", "null");
    private static final Pattern LIST = Pattern.compile("^(?:list|array)\\[(.+)]$");
    private static final Pattern ANNOTATED = Pattern.compile("^([a-z]+(?:\\[[^]]+])?)\\s*:\\s*(.+)$", Pattern.DOTALL);

    private ResultTypes() {
    }

    /** @throws IllegalArgumentException saying what the shorthand should look like */
    public static JsonNode toSchema(JsonNode type) {
        if (type.isObject() || type.isBoolean()) {
            return type;
        }
        if (type.isArray()) {
            if (type.isEmpty()) {
                throw new IllegalArgumentException("a list of choices needs at least one choice");
            }
            for (JsonNode choice : type) {
                if (choice.isContainerNode()) {
                    throw new IllegalArgumentException("choices are plain values like \"book\", not objects or lists");
                }
            }
            ObjectNode schema = JSON.objectNode();
            schema.set("enum", type);
            return schema;
        }
        if (type.isTextual()) {
            return fromText(type.asText().trim());
        }
        throw new IllegalArgumentException("a result type is a JSON Schema object, a type name or a list of choices");
    }

    private static ObjectNode fromText(String text) {
        Matcher annotated = ANNOTATED.matcher(text);
        if (annotated.matches()) {
            ObjectNode schema = fromText(annotated.group(1));
            schema.put("description", annotated.group(2).trim());
            return schema;
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
            ObjectNode schema = JSON.objectNode().put("type", "array");
            schema.set("items", fromText(list.group(1).trim()));
            return schema;
        }
        throw new IllegalArgumentException("'" + text + "' is not a result type; use string, integer, number, boolean, "
                + "object, list[<type>], a list of choices, or a JSON Schema");
    }
}
