package io.taskmesh.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A run entered {@code status}. The CloudEvent type is {@link RunStatus#eventType()}; {@code seq} grows
 * by one with each event of a run, so consumers ignore what they have already applied.
 */
public record RunEvent(
        String tenant,
        String runId,
        String task,
        int version,
        RunStatus status,
        long seq,
        int attempt,
        JsonNode result,
        RunError error,
        Instant at) {

    public record RunError(String code, String message) {
    }

    @JsonIgnore
    public String type() {
        return status.eventType();
    }
}
