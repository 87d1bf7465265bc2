package io.taskmesh.api.task.rest;

import io.smallrye.mutiny.Uni;
import io.taskmesh.api.task.service.TaskService;
import io.taskmesh.platform.security.CurrentTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

@Path("/api/v1/tasks")
@Produces(MediaType.APPLICATION_JSON)
public class TaskResource {

    static final String AUTHORS = "task-author";
    static final String ADMIN = "taskmesh-admin";

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
        return service.create(caller.id(), caller.user(), DefinitionReader.read(body, contentType))
                .map(TaskView::of)
                .map(view -> Response.created(URI.create("/api/v1/tasks/" + view.name())).entity(view).build());
    }

    @PUT
    @Path("/{name}")
    @Consumes({MediaType.APPLICATION_JSON, "application/yaml", "application/x-yaml", "text/yaml"})
    @RolesAllowed({AUTHORS, ADMIN})
    public Uni<TaskView> update(@PathParam("name") String name, String body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        return service.update(caller.id(), caller.user(), name, DefinitionReader.read(body, contentType))
                .map(TaskView::of);
    }

    @GET
    public Uni<List<TaskView>> list() {
        return service.list(caller.id()).map(tasks -> tasks.stream().map(TaskView::summary).toList());
    }

    @GET
    @Path("/{name}")
    public Uni<TaskView> get(@PathParam("name") String name) {
        return service.get(caller.id(), name).map(TaskView::of);
    }

    @GET
    @Path("/{name}/versions/{version}")
    public Uni<TaskView> version(@PathParam("name") String name, @PathParam("version") int version) {
        return service.getVersion(caller.id(), name, version).map(TaskView::of);
    }
}
