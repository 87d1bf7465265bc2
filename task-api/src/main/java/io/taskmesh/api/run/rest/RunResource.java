package io.taskmesh.api.run.rest;

import io.smallrye.mutiny.Uni;
import io.taskmesh.api.run.service.RunService;
import io.taskmesh.platform.problem.ProblemException;
import io.taskmesh.platform.security.CurrentTenant;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;

@Path("/api/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    private final RunService service;
    private final CurrentTenant caller;

    public RunResource(RunService service, CurrentTenant caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @Path("/{id}")
    public Uni<RunView> get(@PathParam("id") String id) {
        return service.get(caller.id(), parse(id)).map(RunView::of);
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("run " + id);
        }
    }
}
