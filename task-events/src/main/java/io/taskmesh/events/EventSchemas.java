package io.taskmesh.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON Schema of each event type's data (files under {@code io/taskmesh/events/schemas/}). Producers'
 * tests check what they emit against it; consumers reject what does not match to the dead-letter topic.
 */
public final class EventSchemas {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

    private EventSchemas() {
    }

    /** Schema file name for a CloudEvent type: every run status shares {@code run-status.v1}. */
    static String schemaName(String type) {
        if (EventTypes.isRunStatus(type)) {
            return "run-status.v1";
        }
        return switch (type) {
            case EventTypes.TASK_DEFINITION_CHANGED -> "task-definition.v1";
            case EventTypes.AGENT_CHANGED -> "agent-definition.v1";
            case EventTypes.RUN_CREATE -> "run-create.v1";
            case EventTypes.RUN_REQUESTED -> "run-requested.v1";
            case EventTypes.RUN_HEARTBEAT -> "run-heartbeat.v1";
            case EventTypes.RUN_NOTIFICATION -> "run-notification.v1";
            case EventTypes.RUN_CANCEL, EventTypes.RUN_VALIDATE, EventTypes.RUN_FEEDBACK, EventTypes.RUN_ANSWER -> "run-command.v1";
            default -> throw new MalformedEventException("unknown event type: " + type);
        };
    }

    public static JsonSchema schema(String type) {
        return CACHE.computeIfAbsent(schemaName(type), EventSchemas::load);
    }

    /** Every way {@code data} breaks the schema of {@code type}; empty when it conforms. */
    public static List<String> violations(String type, JsonNode data) {
        return schema(type).validate(data).stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /** Parses and checks an incoming event; anything wrong with it is a {@link MalformedEventException}. */
    public static <T> T parse(String type, String payload, Class<T> recordType) {
        if (payload == null) {
            throw new MalformedEventException("event " + type + " has no data");
        }
        JsonNode data = EventJson.readTree(payload);
        List<String> problems = violations(type, data);
        if (!problems.isEmpty()) {
            throw new MalformedEventException("event " + type + " does not match its schema: " + problems);
        }
        return EventJson.read(data, recordType);
    }

    private static JsonSchema load(String name) {
        String path = "/io/taskmesh/events/schemas/" + name + ".json";
        try (InputStream in = EventSchemas.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing event schema " + path);
            }
            return FACTORY.getSchema(EventJson.mapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
