package io.taskmesh.platform.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.taskmesh.platform.problem.Problem.FieldError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** JSON Schema 2020-12 checks that report each problem with the path of the field it concerns. */
public final class JsonSchemas {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final JsonSchema META_SCHEMA = FACTORY.getSchema(SchemaLocation.of(SchemaId.V202012));
    private static final int MAX_CACHED = 1024;
    private static final Map<String, JsonSchema> COMPILED = new ConcurrentHashMap<>();

    private JsonSchemas() {
    }

    /**
     * The compiled form of {@code schema}, cached by its text: the same task's parameters and result schema
     * are checked on every run, and compiling is the expensive part. The cache is bounded by starting over.
     */
    public static JsonSchema compile(JsonNode schema) {
        if (COMPILED.size() > MAX_CACHED) {
            COMPILED.clear();
        }
        return COMPILED.computeIfAbsent(schema.toString(), text -> FACTORY.getSchema(schema));
    }

    /**
     * A copy of {@code inputs} with the {@code default} of each of the {@code parameters}' properties it lacks:
     * every run of a task gets them, however it was started (API, Kafka command, trigger, task step, graph).
     */
    public static ObjectNode withDefaults(JsonNode parameters, ObjectNode inputs) {
        ObjectNode filled = inputs.deepCopy();
        if (parameters != null) {
            parameters.path("properties").properties().forEach(p -> {
                if (!filled.has(p.getKey()) && p.getValue().has("default")) {
                    filled.set(p.getKey(), p.getValue().get("default").deepCopy());
                }
            });
        }
        return filled;
    }

    public static JsonSchema load(String classpathResource) {
        return FACTORY.getSchema(SchemaLocation.of("classpath:" + classpathResource));
    }

    /** Problems of {@code instance} against {@code schema}, fields prefixed with {@code prefix} (e.g. {@code inputs}). */
    public static List<FieldError> violations(JsonSchema schema, JsonNode instance, String prefix) {
        return toFieldErrors(schema.validate(instance), prefix);
    }

    /** Problems that make {@code schema} not a JSON Schema at all. */
    public static List<FieldError> schemaViolations(JsonNode schema, String prefix) {
        List<FieldError> errors = toFieldErrors(META_SCHEMA.validate(schema), prefix);
        if (errors.isEmpty()) {
            try {
                compile(schema);
            } catch (RuntimeException e) {
                errors = List.of(new FieldError(prefix, "is not a usable JSON Schema: " + e.getMessage()));
            }
        }
        return errors;
    }

    public static List<FieldError> toFieldErrors(Set<ValidationMessage> messages, String prefix) {
        List<FieldError> errors = new ArrayList<>();
        for (ValidationMessage m : messages) {
            String path = m.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
            if (m.getProperty() != null && !m.getProperty().isEmpty()
                    && ("required".equals(m.getType()) || "additionalProperties".equals(m.getType()))) {
                path = path.isEmpty() ? m.getProperty() : path + "." + m.getProperty();
            }
            String field = prefix.isEmpty() ? path : path.isEmpty() ? prefix : prefix + "." + path;
            String text = m.getMessage().replaceFirst("^\\$[^:]*:\\s*", "");
            if ("additionalProperties".equals(m.getType())) {
                text = "is not a known field";
            } else if ("required".equals(m.getType())) {
                text = "is required";
            }
            errors.add(new FieldError(field, text));
        }
        errors.sort(Comparator.comparing(FieldError::field).thenComparing(FieldError::message));
        return errors.stream().distinct().toList();
    }
}
