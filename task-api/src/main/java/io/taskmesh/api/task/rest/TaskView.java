package io.taskmesh.api.task.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.api.task.Task;
import io.taskmesh.api.task.TaskState;
import io.taskmesh.api.task.service.TaskService.Defined;
import java.time.Instant;

/** A task as the API shows it: identity, state, the current version and its definition. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskView(String id, String name, String title, TaskState state, int version, JsonNode definition,
        Instant createdAt, Instant updatedAt, String createdBy) {

    static TaskView of(Defined defined) {
        Task t = defined.task();
        return new TaskView(t.id.toString(), t.name, t.title, t.state, defined.version().version, defined.definition(),
                t.createdAt, t.updatedAt, t.createdBy);
    }

    static TaskView summary(Task t) {
        return new TaskView(t.id.toString(), t.name, t.title, t.state, t.currentVersion, null, t.createdAt, t.updatedAt,
                t.createdBy);
    }
}
