package io.taskmesh.events;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Asks for a run of a task. Produced by task-api (with the run id it has already stored and the pinned
 * version's definition) or by any authorised producer; consumed by task-scheduler.
 */
public record RunCreateCommand(
        String tenant,
        String task,
        String runId,
        Integer version,
        JsonNode definition,
        JsonNode inputs,
        String idempotencyKey,
        String requestedBy) {

    public static final String TYPE = EventTypes.RUN_CREATE;
}
