package io.taskmesh.api.task.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.api.task.Task;
import io.taskmesh.api.task.TaskState;
import io.taskmesh.api.task.service.TaskService.Defined;
import io.taskmesh.platform.schedule.TriggerSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A task as the API shows it: identity, state, the current version and its definition. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskView(String id, String name, String title, TaskState state, int version, JsonNode definition,
        List<TriggerView> triggers, Instant createdAt, Instant updatedAt, String createdBy) {

    /**
     * A trigger with its next fire time from now, as the scheduler computes it (null: it will not fire again,
     * or the task is not active, which pauses its triggers).
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TriggerView(String name, String type, Instant nextFireAt) {
    }

    static List<TriggerView> triggers(Task task, JsonNode definition) {
        List<TriggerView> views = new ArrayList<>();
        JsonNode triggers = definition.path("triggers");
        Instant now = Instant.now();
        for (int i = 0; i < triggers.size(); i++) {
            TriggerSpec spec = new TriggerSpec(triggers.get(i));
            Instant next = task.state == TaskState.ACTIVE && TriggerSpec.isTimeTrigger(triggers.get(i))
                    ? spec.nextAfter(now) : null;
            views.add(new TriggerView(spec.name(i), spec.type(), next));
        }
        return views;
    }

    static TaskView of(Defined defined) {
        Task t = defined.task();
        JsonNode definition = defined.definition();
        return new TaskView(t.id.toString(), t.name, t.title, t.state, defined.version().version, definition,
                triggers(t, definition), t.createdAt, t.updatedAt, t.createdBy);
    }

    static TaskView summary(Task t) {
        return new TaskView(t.id.toString(), t.name, t.title, t.state, t.currentVersion, null, null, t.createdAt, t.updatedAt,
                t.createdBy);
    }
}
