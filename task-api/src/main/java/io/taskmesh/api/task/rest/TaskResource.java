package io.taskmesh.api.task.rest;

import io.smallrye.mutiny.Uni;
import io.taskmesh.api.task.TaskRepository;
import io.taskmesh.api.task.TaskState;
import io.taskmesh.api.task.service.TaskService;
import io.taskmesh.platform.problem.Problem.FieldError;
import io.taskmesh.platform.problem.ProblemException;
import io.taskmesh.platform.security.CurrentTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

@Path("/api/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
public class TaskResource {

    static final String AUTHORS = "task-author";
    static final String ADMIN = "taskmesh-admin";

    /** A page of tasks; pass {@code nextCursor} as {@code cursor} for the next page. */
    public record TaskPage(List<TaskView> items, String nextCursor) {
    }

    public record VersionView(int version, Instant createdAt, String createdBy) {
    }

    private final TaskService service;
    private final CurrentTenant caller;

    public TaskResource(TaskService service, CurrentTenant caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, "application/yaml", "application/x-yaml", "text/yaml"})
    @RolesAllowed({AUTHORS, ADMIN})
    public Uni<Response> create(String body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        return service.create(caller.caller(), DefinitionReader.read(body, contentType))
                .map(TaskView::of)
                .map(view -> Response.created(URI.create("/api/v1/tasks/" + view.name())).entity(view).build());
    }

    @PUT
    @Path("/{name}")
    @Consumes({MediaType.APPLICATION_JSON, "application/yaml", "application/x-yaml", "text/yaml"})
    @RolesAllowed({AUTHORS, ADMIN})
    public Uni<TaskView> update(@PathParam("name") String name, String body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        return service.update(caller.caller(), name, DefinitionReader.read(body, contentType)).map(TaskView::of);
    }

    /**
     * Tasks of your tenant by name. {@code state}: active, inactive or archived (default: all but archived);
     * {@code label}: {@code key=value}, repeatable; {@code q}: text in name, title or objective.
     */
    @GET
    public Uni<TaskPage> list(@QueryParam("state") String state, @QueryParam("label") List<String> labels,
            @QueryParam("q") String text, @QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("50") int limit) {
        List<FieldError> errors = new ArrayList<>();
        TaskState wanted = null;
        if (state != null) {
            try {
                wanted = TaskState.valueOf(state.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("state", "is one of active, inactive, archived"));
            }
        }
        Map<String, String> wantedLabels = new LinkedHashMap<>();
        for (String label : labels) {
            int eq = label.indexOf('=');
            if (eq <= 0) {
                errors.add(new FieldError("label", "'" + label + "' is not key=value"));
            } else {
                wantedLabels.put(label.substring(0, eq), label.substring(eq + 1));
            }
        }
        if (limit < 1 || limit > 500) {
            errors.add(new FieldError("limit", "is between 1 and 500"));
        }
        String after = null;
        if (cursor != null) {
            try {
                after = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("cursor", "is not a cursor this API gave out"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(400, "The list parameters are not valid", errors);
        }
        return service.list(caller.id(), new TaskRepository.Filter(wanted, wantedLabels, text, after), limit)
                .map(page -> new TaskPage(page.tasks().stream().map(TaskView::summary).toList(),
                        page.nextCursor() == null ? null : Base64.getUrlEncoder().withoutPadding()
                                .encodeToString(page.nextCursor().getBytes(StandardCharsets.UTF_8))));
    }

    @GET
    @Path("/{name}")
    public Uni<TaskView> get(@PathParam("name") String name) {
        return service.get(caller.id(), name).map(TaskView::of);
    }

    @GET
    @Path("/{name}/versions")
    public Uni<List<VersionView>> versions(@PathParam("name") String name) {
        return service.versions(caller.id(), name)
                .map(all -> all.stream().map(v -> new VersionView(v.version, v.createdAt, v.createdBy)).toList());
    }

    @GET
    @Path("/{name}/versions/{version}")
    public Uni<TaskView> version(@PathParam("name") String name, @PathParam("version") int version) {
        return service.getVersion(caller.id(), name, version).map(TaskView::of);
    }

    /** No new runs; its triggers pause. */
    @POST
    @Path("/{name}/deactivate")
    @RolesAllowed({AUTHORS, ADMIN})
    public Uni<TaskView> deactivate(@PathParam("name") String name) {
        return service.changeState(caller.caller(), name, TaskState.INACTIVE).map(TaskView::of);
    }

    @POST
    @Path("/{name}/activate")
    @RolesAllowed({AUTHORS, ADMIN})
    public Uni<TaskView> activate(@PathParam("name") String name) {
        return service.changeState(caller.caller(), name, TaskState.ACTIVE).map(TaskView::of);
    }

    /** Read-only from now on, and left out of default lists. */
    @POST
    @Path("/{name}/archive")
    @RolesAllowed({AUTHORS, ADMIN})
    public Uni<TaskView> archive(@PathParam("name") String name) {
        return service.changeState(caller.caller(), name, TaskState.ARCHIVED).map(TaskView::of);
    }
}
