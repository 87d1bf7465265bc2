package io.taskmesh.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * Full snapshot of a task after a change. Produced by task-api on {@link Topics#TASK_DEFINITIONS};
 * consumed by task-scheduler (triggers) and notification-service (default notifications).
 */
public record TaskDefinitionChanged(
        String tenant,
        String taskId,
        String name,
        int version,
        String state,
        JsonNode definition,
        Instant changedAt) {

    public static final String TYPE = EventTypes.TASK_DEFINITION_CHANGED;
}
