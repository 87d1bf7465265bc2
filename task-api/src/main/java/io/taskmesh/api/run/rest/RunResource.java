package io.taskmesh.api.run.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.MalformedEventException;

import io.smallrye.mutiny.Uni;
import io.taskmesh.api.run.service.RunService;
import io.taskmesh.events.RunCommand;
import io.taskmesh.platform.problem.Problem.FieldError;
import io.taskmesh.platform.problem.ProblemException;
import io.taskmesh.platform.security.CurrentTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;

/** Runs of every task of the tenant: read, list, and the decisions people take on them. */
@Path("/api/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    static final String OPERATORS = "task-operator";
    static final String ADMIN = "taskmesh-admin";

    /** The body of an answer: {@code answer}, or {@code content} as feedback has it. */
    public record Answer(String answer, String content) {
    }

    /** The body of feedback. */
    public record Feedback(String content) {
    }

    private final RunService service;
    private final CurrentTenant caller;

    public RunResource(RunService service, CurrentTenant caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    public Uni<RunListParams.RunPage> list(@QueryParam("task") String task, @BeanParam RunListParams params) {
        return service.list(caller.id(), params.toFilter(task), params.limit + 1)
                .map(found -> RunListParams.RunPage.of(found, params.limit));
    }

    @GET
    @Path("/{id}")
    public Uni<RunView> get(@PathParam("id") String id) {
        return service.get(caller.id(), parse(id)).map(RunView::of);
    }

    /** Stops a run that has not finished; answers 409 for one that has. */
    @POST
    @Path("/{id}/cancel")
    @RolesAllowed({OPERATORS, ADMIN})
    public Uni<RunView> cancel(@PathParam("id") String id) {
        return service.decide(caller.caller(), parse(id), RunCommand.CANCEL, null).map(RunView::of);
    }

    /**
     * Accepts the result of a run awaiting validation: it becomes VALIDATED; or approves the approval step it
     * stopped at, and it goes on. An optional body {@code {"content": "..."}} is the comment that comes with it.
     */
    @POST
    @Path("/{id}/validate")
    @RolesAllowed({OPERATORS, ADMIN})
    public Uni<RunView> validate(@PathParam("id") String id, String body) {
        String comment = comment(body);
        return service.decide(caller.caller(), parse(id), RunCommand.VALIDATE, comment).map(RunView::of);
    }

    /** The {@code content} of an optional JSON body; the body may be empty, and of any media type then. */
    private static String comment(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode json;
        try {
            json = EventJson.readTree(body);
        } catch (MalformedEventException e) {
            throw ProblemException.invalid(400, "The body is not JSON",
                    List.of(new FieldError("", "must be empty or an object like {\"content\": \"a comment\"}")));
        }
        JsonNode content = json.path("content");
        if (!json.isObject() || !content.isMissingNode() && !content.isNull() && !content.isTextual()) {
            throw ProblemException.invalid(400, "Bad comment",
                    List.of(new FieldError("content", "must be a string")));
        }
        return content.isTextual() && !content.asText().isBlank() ? content.asText() : null;
    }

    /**
     * Sends the result back with feedback: the run goes to REVISE and runs again with the feedback; or rejects
     * the approval step it stopped at, and it fails.
     */
    @POST
    @Path("/{id}/feedback")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({OPERATORS, ADMIN})
    public Uni<RunView> feedback(@PathParam("id") String id, Feedback body) {
        if (body == null || body.content() == null || body.content().isBlank()) {
            throw ProblemException.invalid(422, "Feedback needs content",
                    List.of(new FieldError("content", "is required and not blank")));
        }
        return service.decide(caller.caller(), parse(id), RunCommand.FEEDBACK, body.content()).map(RunView::of);
    }

    /** Answers the question a run in AWAITING_INPUT asked: its attempt goes on with the answer. */
    @POST
    @Path("/{id}/answer")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({OPERATORS, ADMIN})
    public Uni<RunView> answer(@PathParam("id") String id, Answer body) {
        String answer = body == null ? null : body.answer() != null ? body.answer() : body.content();
        if (answer == null || answer.isBlank()) {
            throw ProblemException.invalid(422, "An answer needs content",
                    List.of(new FieldError("answer", "is required and not blank")));
        }
        return service.decide(caller.caller(), parse(id), RunCommand.ANSWER, answer).map(RunView::of);
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("run " + id);
        }
    }
}
