package io.taskmesh.api.run.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.taskmesh.api.run.service.RunService;
import io.taskmesh.api.run.stats.RunStatistics;
import io.taskmesh.platform.problem.Problem;
import io.taskmesh.platform.problem.ProblemException;
import io.taskmesh.platform.security.CurrentTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** The runs of one task: start one, list them. */
@Path("/api/v1/tasks/{name}/runs")
@Produces(MediaType.APPLICATION_JSON)
public class TaskRunResource {

    static final String OPERATORS = "task-operator";
    static final String ADMIN = "taskmesh-admin";

    private final RunService service;
    private final RunStatistics statistics;
    private final CurrentTenant caller;

    public TaskRunResource(RunService service, RunStatistics statistics, CurrentTenant caller) {
        this.service = service;
        this.statistics = statistics;
        this.caller = caller;
    }

    /**
     * Body: {@code {"inputs": {...}, "session": "..."}} (runs started in the same session share their session
     * memory). Answers 202: the run is accepted and goes on in the background.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({OPERATORS, ADMIN})
    public Uni<Response> start(@PathParam("name") String task, JsonNode body,
            @HeaderParam("Idempotency-Key") String idempotencyKey) {
        if (body != null && !body.isObject()) {
            throw ProblemException.invalid(400, "The body must be a JSON object",
                    List.of(new Problem.FieldError("", "must be an object like {\"inputs\": {...}}")));
        }
        if (body != null) {
            var unknown = new ArrayList<Problem.FieldError>();
            body.fieldNames().forEachRemaining(f -> {
                if (!f.equals("inputs") && !f.equals("session")) {
                    unknown.add(new Problem.FieldError(f, "is not a known field"));
                }
            });
            if (!unknown.isEmpty()) {
                throw ProblemException.invalid(400, "The body has unknown fields", unknown);
            }
        }
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            throw ProblemException.invalid(400, "Bad Idempotency-Key header",
                    List.of(new Problem.FieldError("Idempotency-Key", "must be 1 to 200 characters")));
        }
        JsonNode session = body == null ? null : body.get("session");
        if (session != null && !session.isNull() && (!session.isTextual() || !session.asText().matches("[A-Za-z0-9._:-]{1,200}"))) {
            throw ProblemException.invalid(400, "Bad session",
                    List.of(new Problem.FieldError("session", "must be 1 to 200 letters, digits, '.', '_', ':' or '-'")));
        }
        JsonNode inputs = body == null ? null : body.get("inputs");
        return service.start(caller.caller(), task, inputs, idempotencyKey,
                        session == null || session.isNull() ? null : session.asText())
                .map(started -> Response.accepted(RunView.of(started.run()))
                        .location(URI.create("/api/v1/runs/" + started.run().id))
                        .header("Idempotent-Replayed", started.created() ? null : "true")
                        .build());
    }

    /**
     * Runs by status, success rate (successful among finished) and duration percentiles of this task's runs
     * created in [{@code from}, {@code to}); the last 7 days by default.
     */
    @GET
    @Path("/stats")
    public Uni<RunStatistics.Stats> stats(@PathParam("name") String task, @QueryParam("from") String from,
            @QueryParam("to") String to) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Instant end = instant("to", to, Instant.now(), errors);
        Instant start = instant("from", from, end.minus(Duration.ofDays(7)), errors);
        if (errors.isEmpty() && !start.isBefore(end)) {
            errors.add(new Problem.FieldError("from", "must be before to"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(400, "The time window is not valid", errors);
        }
        return statistics.of(caller.id(), task, start, end);
    }

    private static Instant instant(String field, String value, Instant fallback, List<Problem.FieldError> errors) {
        if (value == null) {
            return fallback;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError(field, "is not an ISO-8601 instant like 2026-01-31T12:00:00Z"));
            return fallback;
        }
    }

    /** The runs of this task, newest first; the same filters as {@code GET /api/v1/runs}. */
    @GET
    public Uni<RunListParams.RunPage> list(@PathParam("name") String task, @BeanParam RunListParams params) {
        return service.list(caller.id(), params.toFilter(task), params.limit + 1)
                .map(found -> RunListParams.RunPage.of(found, params.limit));
    }

}
