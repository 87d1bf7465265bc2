package io.taskmesh.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A run entered {@code status}. The CloudEvent type is {@link RunStatus#eventType()}; {@code seq} grows
 * by one with each event of a run, so consumers ignore what they have already applied. The first event of
 * a run the scheduler created itself (a trigger fired) also carries its {@code inputs} and {@code origin}, so
 * read models that did not see it requested can show it. A run's last event from the executor carries its
 * {@code details}: {@code steps} (each step's output by id) and the agent's {@code transcript}.
 * <p>
 * A run that is a node of a run graph announces its links with its first event: {@code parentRunId} (the run
 * whose subtask it is), {@code dependencyRunIds} (the runs it waits for) and, for a subtask defined inline in
 * another task's definition, {@code definedIn}, the name of that task.
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
        Instant at,
        JsonNode inputs,
        String origin,
        JsonNode details,
        String parentRunId,
        List<String> dependencyRunIds,
        String definedIn) {

    /** An event outside run graphs, or one that does not announce a node's links. */
    public RunEvent(String tenant, String runId, String task, int version, RunStatus status, long seq, int attempt,
            JsonNode result, RunError error, Instant at, JsonNode inputs, String origin, JsonNode details) {
        this(tenant, runId, task, version, status, seq, attempt, result, error, at, inputs, origin, details, null, null,
                null);
    }

    /** An event without execution details. */
    public RunEvent(String tenant, String runId, String task, int version, RunStatus status, long seq, int attempt,
            JsonNode result, RunError error, Instant at, JsonNode inputs, String origin) {
        this(tenant, runId, task, version, status, seq, attempt, result, error, at, inputs, origin, null, null, null,
                null);
    }

    /** An event that does not announce a new run: it carries neither inputs nor origin. */
    public RunEvent(String tenant, String runId, String task, int version, RunStatus status, long seq, int attempt,
            JsonNode result, RunError error, Instant at) {
        this(tenant, runId, task, version, status, seq, attempt, result, error, at, null, null, null, null, null, null);
    }

    public record RunError(String code, String message) {
    }

    @JsonIgnore
    public String type() {
        return status.eventType();
    }
}
