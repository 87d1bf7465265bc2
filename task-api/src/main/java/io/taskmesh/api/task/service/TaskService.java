package io.taskmesh.api.task.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.taskmesh.api.task.Task;
import io.taskmesh.api.task.TaskRepository;
import io.taskmesh.api.task.TaskState;
import io.taskmesh.api.task.TaskVersion;
import io.taskmesh.api.task.TaskVersionRepository;
import io.taskmesh.api.task.validation.TaskDefinitionValidator;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.TaskDefinitionChanged;
import io.taskmesh.events.Topics;
import io.taskmesh.outbox.Outbox;
import io.taskmesh.platform.problem.Problem.FieldError;
import io.taskmesh.platform.problem.ProblemException;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Creates and versions task definitions; every change is announced on the task-definitions topic. */
@ApplicationScoped
public class TaskService {

    private final TaskRepository tasks;
    private final TaskVersionRepository versions;
    private final TaskDefinitionValidator validator;
    private final Outbox outbox;

    public TaskService(TaskRepository tasks, TaskVersionRepository versions, TaskDefinitionValidator validator,
            Outbox outbox) {
        this.tasks = tasks;
        this.versions = versions;
        this.validator = validator;
        this.outbox = outbox;
    }

    /** A task with the definition of its current version. */
    public record Defined(Task task, TaskVersion version) {
        public JsonNode definition() {
            return EventJson.readTree(version.definition);
        }
    }

    @WithTransaction
    @WithSpan("TaskService.create")
    public Uni<Defined> create(String tenant, String user, JsonNode definition) {
        requireValid(definition);
        String name = definition.get("name").asText();
        return tasks.findByName(tenant, name).chain(existing -> {
            if (existing != null) {
                throw ProblemException.conflict("a task named '" + name + "' already exists");
            }
            Instant now = Instant.now();
            Task task = new Task();
            task.id = UUID.randomUUID();
            task.tenant = tenant;
            task.name = name;
            task.state = TaskState.ACTIVE;
            task.currentVersion = 0;
            task.createdAt = now;
            task.updatedAt = now;
            task.createdBy = user;
            return tasks.persist(task).chain(() -> addVersion(task, user, definition));
        });
    }

    @WithTransaction
    @WithSpan("TaskService.createVersion")
    public Uni<Defined> update(String tenant, String user, String name, JsonNode definition) {
        if (definition instanceof ObjectNode object && !object.has("name")) {
            object.put("name", name);
        }
        requireValid(definition);
        if (!name.equals(definition.get("name").asText())) {
            throw ProblemException.invalid(422, "A task cannot be renamed",
                    List.of(new FieldError("name", "must be '" + name + "', the name of the task being updated")));
        }
        return findTask(tenant, name).chain(task -> {
            if (task.state == TaskState.ARCHIVED) {
                throw ProblemException.conflict("task '" + name + "' is archived and read-only");
            }
            return addVersion(task, user, definition);
        });
    }

    @WithSession
    public Uni<Defined> get(String tenant, String name) {
        return findTask(tenant, name).chain(task -> versions.findVersion(task, task.currentVersion)
                .map(version -> new Defined(task, version)));
    }

    @WithSession
    public Uni<Defined> getVersion(String tenant, String name, int version) {
        return findTask(tenant, name).chain(task -> versions.findVersion(task, version).map(v -> {
            if (v == null) {
                throw ProblemException.notFound("version " + version + " of task '" + name + "'");
            }
            return new Defined(task, v);
        }));
    }

    @WithSession
    public Uni<List<Task>> list(String tenant) {
        return tasks.listVisible(tenant);
    }

    Uni<Task> findTask(String tenant, String name) {
        return tasks.findByName(tenant, name).map(task -> {
            if (task == null) {
                throw ProblemException.notFound("task '" + name + "'");
            }
            return task;
        });
    }

    private void requireValid(JsonNode definition) {
        List<FieldError> errors = validator.validate(definition);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(422, "The task definition is not valid", errors);
        }
    }

    private Uni<Defined> addVersion(Task task, String user, JsonNode definition) {
        Instant now = Instant.now();
        task.currentVersion += 1;
        task.updatedAt = now;
        TaskVersion version = new TaskVersion();
        version.taskId = task.id;
        version.version = task.currentVersion;
        version.definition = definition.toString();
        version.createdAt = now;
        version.createdBy = user;
        TaskDefinitionChanged event = new TaskDefinitionChanged(task.tenant, task.id.toString(), task.name,
                version.version, task.state.wire(), definition, now);
        return versions.persist(version)
                .chain(() -> outbox.add(Topics.TASK_DEFINITIONS, task.id.toString(), TaskDefinitionChanged.TYPE,
                        task.name, event))
                .replaceWith(new Defined(task, version));
    }
}
