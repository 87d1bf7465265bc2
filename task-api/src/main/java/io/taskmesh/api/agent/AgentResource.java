package io.taskmesh.api.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.taskmesh.api.task.rest.DefinitionReader;
import io.taskmesh.events.EventJson;
import io.taskmesh.platform.security.CurrentTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;

/**
 * A tenant's agents: {@code PUT} creates or replaces one by name; a task names it in {@code agent}, and the
 * tenant's {@code default} one carries out the tasks that name none.
 */
@Path("/api/v1/agents")
@Produces(MediaType.APPLICATION_JSON)
public class AgentResource {

    static final String AUTHORS = "task-author";
    static final String ADMIN = "taskmesh-admin";

    /** An agent as the API shows it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AgentView(String name, JsonNode definition, boolean isDefault, Instant createdAt, Instant updatedAt,
            String createdBy) {
        static AgentView of(Agent agent) {
            return new AgentView(agent.name, EventJson.readTree(agent.definition), agent.isDefault, agent.createdAt,
                    agent.updatedAt, agent.createdBy);
        }
    }

    public record AgentList(List<AgentView> items) {
    }

    private final AgentService service;
    private final CurrentTenant caller;

    public AgentResource(AgentService service, CurrentTenant caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    public Uni<AgentList> list() {
        return service.list(caller.id()).map(all -> new AgentList(all.stream().map(AgentView::of).toList()));
    }

    @GET
    @Path("/{name}")
    public Uni<AgentView> get(@PathParam("name") String name) {
        return service.get(caller.id(), name).map(AgentView::of);
    }

    /** Creates (201) or replaces (200) the agent. */
    @PUT
    @Path("/{name}")
    @Consumes({MediaType.APPLICATION_JSON, "application/yaml", "application/x-yaml", "text/yaml"})
    @RolesAllowed({AUTHORS, ADMIN})
    public Uni<Response> save(@PathParam("name") String name, String body,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType) {
        return service.save(caller.caller(), name, DefinitionReader.read(body, contentType)).map(saved -> Response
                .status(saved.created() ? Response.Status.CREATED : Response.Status.OK)
                .entity(AgentView.of(saved.agent())).build());
    }

    @DELETE
    @Path("/{name}")
    @RolesAllowed({AUTHORS, ADMIN})
    public Uni<Response> delete(@PathParam("name") String name) {
        return service.delete(caller.caller(), name).replaceWith(Response.noContent().build());
    }
}
