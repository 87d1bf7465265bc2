package io.taskmesh.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One attempt of one run, for an executor. Produced by task-scheduler on {@link Topics#RUN_REQUESTS};
 * the executor numbers its own events after {@code seq}.
 */
public record RunRequest(
        String tenant,
        String runId,
        String task,
        int version,
        int attempt,
        long seq,
        JsonNode definition,
        JsonNode inputs,
        Instant deadline,
        java.util.List<Feedback> feedback) {

    /** Feedback a person gave on an earlier attempt's result, for the next attempt to take into account. */
    public record Feedback(String content, String by, Instant at) {
    }

    public static final String TYPE = EventTypes.RUN_REQUESTED;
}
