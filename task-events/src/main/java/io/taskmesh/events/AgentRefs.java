package io.taskmesh.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a task names its agent — a name, an object naming one (its own fields win over the named agent's), an
 * object alone, or nothing (the tenant's default) — and the agent it comes to.
 */
public final class AgentRefs {

    private AgentRefs() {
    }

    /** The name of the agent to look up, or null for the tenant's default (absent) or an unnamed object. */
    public static String nameOf(JsonNode named) {
        return named.isTextual() ? named.asText() : named.isObject() ? named.path("name").asText(null) : null;
    }

    /** Whether the task names no agent, so the tenant's default is meant. */
    public static boolean wantsDefault(JsonNode named) {
        return named == null || named.isMissingNode() || named.isNull();
    }

    /**
     * Whether a run of this task definition is carried out by an agent: a task without steps has one implicit
     * agent step; a task of steps needs one only when a step's action is {@code agent}. Only then is the
     * tenant's default agent (and the pool it may name) handed to the run.
     */
    public static boolean needsAgent(JsonNode definition) {
        JsonNode steps = definition.path("steps");
        if (!steps.isArray() || steps.isEmpty()) {
            return true;
        }
        for (JsonNode step : steps) {
            if ("agent".equals(step.path("action").asText())) {
                return true;
            }
        }
        return !wantsDefault(definition.get("agent"));
    }

    /** The known agent's definition with the fields the task sets itself laid over it. */
    public static JsonNode over(JsonNode known, JsonNode named) {
        ObjectNode resolved = known.deepCopy();
        if (named != null && named.isObject()) {
            named.properties().forEach(field -> resolved.set(field.getKey(), field.getValue()));
        }
        return resolved;
    }
}
