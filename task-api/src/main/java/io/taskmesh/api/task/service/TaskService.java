package io.taskmesh.api.task.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.taskmesh.api.audit.AuditLog;
import io.taskmesh.api.task.Task;
import io.taskmesh.api.task.TaskGraph;
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
import io.taskmesh.platform.security.CurrentTenant.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Creates and versions task definitions and moves tasks between states; every change is announced. */
@ApplicationScoped
public class TaskService {

    private final TaskRepository tasks;
    private final TaskVersionRepository versions;
    private final TaskDefinitionValidator validator;
    private final Outbox outbox;
    private final AuditLog audit;

    public TaskService(TaskRepository tasks, TaskVersionRepository versions, TaskDefinitionValidator validator,
            Outbox outbox, AuditLog audit) {
        this.tasks = tasks;
        this.versions = versions;
        this.validator = validator;
        this.outbox = outbox;
        this.audit = audit;
    }

    /** A task with the definition of one of its versions. */
    public record Defined(Task task, TaskVersion version) {
        public JsonNode definition() {
            return EventJson.readTree(version.definition);
        }
    }

    /** A page of tasks and the cursor of the next one (null on the last page). */
    public record Page(List<Task> tasks, String nextCursor) {
    }

    @WithTransaction
    @WithSpan("TaskService.create")
    public Uni<Defined> create(Caller caller, JsonNode given) {
        ObjectNode definition = requireValid(given);
        String name = definition.get("name").asText();
        return checkLinks(caller.tenant(), name, definition).chain(() -> tasks.findByName(caller.tenant(), name))
                .chain(existing -> {
                    if (existing != null) {
                        throw ProblemException.conflict("a task named '" + name + "' already exists");
                    }
                    Instant now = Instant.now();
                    Task task = new Task();
                    task.id = UUID.randomUUID();
                    task.tenant = caller.tenant();
                    task.name = name;
                    task.state = TaskState.ACTIVE;
                    task.currentVersion = 0;
                    task.createdAt = now;
                    task.updatedAt = now;
                    task.createdBy = caller.subject();
                    describe(task, definition);
                    return tasks.persist(task).chain(() -> addVersion(task, caller, definition, "task.create"));
                });
    }

    @WithTransaction
    @WithSpan("TaskService.createVersion")
    public Uni<Defined> update(Caller caller, String name, JsonNode given) {
        if (given instanceof ObjectNode object && !object.has("name")) {
            object.put("name", name);
        }
        ObjectNode definition = requireValid(given);
        if (!name.equals(definition.get("name").asText())) {
            throw ProblemException.invalid(422, "A task cannot be renamed",
                    List.of(new FieldError("name", "must be '" + name + "', the name of the task being updated")));
        }
        return checkLinks(caller.tenant(), name, definition).chain(() -> findTask(caller.tenant(), name)).chain(task -> {
            if (task.state == TaskState.ARCHIVED) {
                throw ProblemException.conflict("task '" + name + "' is archived and read-only");
            }
            describe(task, definition);
            return addVersion(task, caller, definition, "task.update");
        });
    }

    /** Moves a task to {@code target}: inactive tasks take no runs; archived ones are read-only for good. */
    @WithTransaction
    @WithSpan("TaskService.changeState")
    public Uni<Defined> changeState(Caller caller, String name, TaskState target) {
        return findTask(caller.tenant(), name).chain(task -> {
            if (task.state == target) {
                return current(task);
            }
            if (task.state == TaskState.ARCHIVED) {
                throw ProblemException.conflict("task '" + name + "' is archived and read-only");
            }
            task.state = target;
            task.updatedAt = Instant.now();
            return current(task).call(defined -> announce(task, defined.version(), defined.definition()))
                    .call(defined -> audit.record(caller, "task." + verb(target),
                            AuditLog.Target.task(task.id.toString(), task.name, task.currentVersion), null));
        });
    }

    @WithSession
    public Uni<Defined> get(String tenant, String name) {
        return findTask(tenant, name).chain(this::current);
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
    public Uni<List<TaskVersion>> versions(String tenant, String name) {
        return findTask(tenant, name).chain(versions::listFor);
    }

    @WithSession
    public Uni<Page> list(String tenant, TaskRepository.Filter filter, int limit) {
        return tasks.search(tenant, filter, limit + 1).map(found -> {
            if (found.size() <= limit) {
                return new Page(found, null);
            }
            List<Task> page = found.subList(0, limit);
            return new Page(page, page.getLast().name);
        });
    }

    Uni<Task> findTask(String tenant, String name) {
        return tasks.findByName(tenant, name).map(task -> {
            if (task == null) {
                throw ProblemException.notFound("task '" + name + "'");
            }
            return task;
        });
    }

    private Uni<Defined> current(Task task) {
        return versions.findVersion(task, task.currentVersion).map(version -> new Defined(task, version));
    }

    private ObjectNode requireValid(JsonNode definition) {
        TaskDefinitionValidator.Validated validated = validator.validate(definition);
        if (!validated.errors().isEmpty()) {
            throw ProblemException.invalid(422, "The task definition is not valid", validated.errors());
        }
        return validated.definition();
    }

    private Uni<Void> checkLinks(String tenant, String name, JsonNode definition) {
        boolean linked = TaskGraph.links(definition).values().stream().anyMatch(l -> !l.isEmpty());
        if (!linked) {
            return Uni.createFrom().voidItem();
        }
        return tasks.linksOfOthers(tenant, name).invoke(others -> {
            List<FieldError> errors = TaskGraph.check(name, definition, others);
            if (!errors.isEmpty()) {
                throw ProblemException.invalid(422, "The task's links to other tasks are not valid", errors);
            }
        }).replaceWithVoid();
    }

    private static void describe(Task task, JsonNode definition) {
        task.title = definition.path("title").asText(null);
        task.objective = definition.path("objective").asText("");
        JsonNode labels = definition.path("labels");
        task.labels = (labels.isObject() ? labels : JsonNodeFactory.instance.objectNode()).toString();
    }

    private static String verb(TaskState state) {
        return switch (state) {
            case ACTIVE -> "activate";
            case INACTIVE -> "deactivate";
            case ARCHIVED -> "archive";
        };
    }

    private Uni<Defined> addVersion(Task task, Caller caller, JsonNode definition, String action) {
        Instant now = Instant.now();
        task.currentVersion += 1;
        task.updatedAt = now;
        TaskVersion version = new TaskVersion();
        version.taskId = task.id;
        version.version = task.currentVersion;
        version.definition = definition.toString();
        version.createdAt = now;
        version.createdBy = caller.subject();
        return versions.persist(version)
                .call(() -> announce(task, version, definition))
                .call(() -> audit.record(caller, action,
                        AuditLog.Target.task(task.id.toString(), task.name, version.version), null))
                .replaceWith(new Defined(task, version));
    }

    private Uni<Void> announce(Task task, TaskVersion version, JsonNode definition) {
        TaskDefinitionChanged event = new TaskDefinitionChanged(task.tenant, task.id.toString(), task.name,
                version.version, task.state.wire(), definition, task.updatedAt);
        return outbox.add(Topics.TASK_DEFINITIONS, task.id.toString(), TaskDefinitionChanged.TYPE, task.name, event)
                .replaceWithVoid();
    }
}
