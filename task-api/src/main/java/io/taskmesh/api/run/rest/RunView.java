package io.taskmesh.api.run.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.api.run.Run;
import io.taskmesh.api.run.RunFeedback;
import io.taskmesh.api.run.service.RunService;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A run as the API shows it. {@code result} is there once the run has one; {@code error} once it failed. A
 * single run also shows what its latest attempt reported: each step's output ({@code steps}) and the agent's
 * {@code transcript}; a run in AWAITING_INPUT shows the {@code question} it waits on. A node of a run graph
 * shows its {@code parentRunId} and {@code dependencyRunIds}; a single run with subtasks also their runs,
 * {@code children}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunView(String id, String task, int taskVersion, RunStatus status, boolean complete, boolean successful,
        int attempt, JsonNode inputs, JsonNode result, Error error, Instant createdAt, Instant updatedAt,
        Instant startedAt, Instant finishedAt, String requestedBy, List<Feedback> feedbackHistory, JsonNode steps,
        JsonNode transcript, String question, String parentRunId, List<String> dependencyRunIds, List<Child> children,
        String session, JsonNode approval) {

    public record Error(String code, String message) {
    }

    /** The run of a subtask, in brief: {@code GET /api/v1/runs/{id}} shows the rest. */
    public record Child(String id, String task, RunStatus status, boolean complete, boolean successful) {
    }

    /** One piece of feedback: PENDING until an attempt has run with it, then PROCESSED. */
    public record Feedback(String content, RunFeedback.Status status, int attempt, Instant timestamp, String by) {
    }

    static RunView of(RunService.Detailed detailed) {
        RunView view = of(detailed.run());
        List<Feedback> history = detailed.feedback().stream()
                .map(f -> new Feedback(f.content, f.status, f.attempt, f.createdAt, f.createdBy)).toList();
        JsonNode details = detailed.latest() == null ? null : EventJson.readTree(detailed.latest().details);
        return new RunView(view.id, view.task, view.taskVersion, view.status, view.complete, view.successful,
                view.attempt, view.inputs, view.result, view.error, view.createdAt, view.updatedAt, view.startedAt,
                view.finishedAt, view.requestedBy, history, details == null ? null : details.get("steps"),
                details == null ? null : details.get("transcript"),
                details != null && view.status == RunStatus.AWAITING_INPUT ? details.path("question").asText(null) : null,
                view.parentRunId, view.dependencyRunIds,
                detailed.children() == null || detailed.children().isEmpty() ? null : detailed.children().stream()
                        .map(c -> new Child(c.id.toString(), c.taskName, c.status, c.status.isTerminal(),
                                c.status.isSuccessful())).toList(),
                view.session, details != null && view.status == RunStatus.AWAITING_VALIDATION ? details.get("approval") : null);
    }

    static RunView of(Run run) {
        return new RunView(run.id.toString(), run.taskName, run.taskVersion, run.status, run.status.isTerminal(),
                run.status.isSuccessful(), run.attempt, EventJson.readTree(run.inputs),
                run.result == null ? null : EventJson.readTree(run.result),
                run.errorCode == null ? null : new Error(run.errorCode, run.errorMessage),
                run.createdAt, run.updatedAt, run.startedAt, run.finishedAt, run.requestedBy, null, null, null, null,
                run.parentRunId == null ? null : run.parentRunId.toString(),
                run.dependencyRunIds == null ? null : ids(run.dependencyRunIds), null, run.session, null);
    }

    private static List<String> ids(String json) {
        List<String> ids = new ArrayList<>();
        EventJson.readTree(json).forEach(id -> ids.add(id.asText()));
        return ids;
    }
}
