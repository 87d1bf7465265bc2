package io.taskmesh.events;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Asks for a run of a task. Produced by task-api (with the run id it has already stored and the pinned
 * version's definition) or by any authorised producer; consumed by task-scheduler. Runs given the same
 * {@code session} share their session memory.
 */
public record RunCreateCommand(
        String tenant,
        String task,
        String runId,
        Integer version,
        JsonNode definition,
        JsonNode inputs,
        String idempotencyKey,
        String requestedBy,
        String session) {

    /** A command without a session: the run is a session of its own (with its graph, if it has one). */
    public RunCreateCommand(String tenant, String task, String runId, Integer version, JsonNode definition,
            JsonNode inputs, String idempotencyKey, String requestedBy) {
        this(tenant, task, runId, version, definition, inputs, idempotencyKey, requestedBy, null);
    }

    public static final String TYPE = EventTypes.RUN_CREATE;
}
