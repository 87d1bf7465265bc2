package io.taskmesh.scheduler.trigger.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An event trigger as written in a task definition: {@code topic}, {@code eventType}, an optional {@code filter}
 * (CEL over {@code event}), static {@code inputs} and {@code inputsFrom} (input name → CEL over {@code event}).
 */
public record EventTriggerSpec(JsonNode json) {

    /** What Kafka accepts as a topic name. */
    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public static boolean isEventTrigger(JsonNode trigger) {
        return "event".equals(trigger.path("type").asText()) && trigger.path("enabled").asBoolean(true);
    }

    /**
     * Why a trigger may not read {@code topic}, or null when it may. The platform's own topics carry every
     * tenant's runs and Kafka's internal ones are no one's events. The API refuses such definitions; the
     * scheduler checks again before it subscribes.
     */
    public static String topicProblem(String topic) {
        if (topic == null || topic.isEmpty()) {
            return "is required for an event trigger";
        }
        if (!LEGAL_TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            return "is not a Kafka topic name: at most 249 letters, digits, '.', '_' and '-'";
        }
        if (topic.startsWith("taskmesh.") || topic.startsWith("__")) {
            return "names a topic of the platform or of Kafka itself, which triggers may not read";
        }
        return null;
    }

    public String topic() {
        return json.path("topic").asText(null);
    }

    public String eventType() {
        return json.path("eventType").asText(null);
    }

    public String name(int position) {
        return json.hasNonNull("name") ? json.get("name").asText() : "event#" + position;
    }

    public String filter() {
        return json.hasNonNull("filter") ? json.get("filter").asText() : null;
    }

    /** The static inputs, a copy the mapped ones may be added to. */
    public ObjectNode inputs() {
        return json.path("inputs").isObject() ? ((ObjectNode) json.get("inputs")).deepCopy()
                : JsonNodeFactory.instance.objectNode();
    }

    public Map<String, String> inputsFrom() {
        Map<String, String> mapping = new LinkedHashMap<>();
        json.path("inputsFrom").properties().forEach(e -> mapping.put(e.getKey(), e.getValue().asText()));
        return mapping;
    }
}
