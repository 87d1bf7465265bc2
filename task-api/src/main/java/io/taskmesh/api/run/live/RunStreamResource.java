package io.taskmesh.api.run.live;

import io.smallrye.mutiny.Multi;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunStatus;
import io.taskmesh.platform.problem.Problem.FieldError;
import io.taskmesh.platform.problem.ProblemException;
import io.taskmesh.platform.security.CurrentTenant;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.core.Context;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Live run events of the caller's tenant as Server-Sent Events, optionally of one task, one run or some
 * statuses: a dashboard follows runs without polling. Each event's id is the run's id and seq; a comment
 * every 15 s keeps proxies from closing an idle stream.
 */
@Path("/api/v1/runs/stream")
public class RunStreamResource {

    private final RunFeed feed;
    private final CurrentTenant caller;

    public RunStreamResource(RunFeed feed, CurrentTenant caller) {
        this.feed = feed;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> stream(@QueryParam("task") String task, @QueryParam("run") String run,
            @QueryParam("status") List<String> statuses, @Context Sse sse) {
        String tenant = caller.id();
        Set<RunStatus> wanted = EnumSet.noneOf(RunStatus.class);
        for (String s : statuses) {
            try {
                wanted.add(RunStatus.valueOf(s.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalid(400, "Unknown status",
                        List.of(new FieldError("status", "'" + s + "' is not a run status")));
            }
        }
        Multi<OutboundSseEvent> events = feed.events()
                .onOverflow().drop()
                .filter(e -> e.tenant().equals(tenant))
                .filter(e -> task == null || e.task().equals(task))
                .filter(e -> run == null || e.runId().equals(run))
                .filter(e -> wanted.isEmpty() || wanted.contains(e.status()))
                .map(e -> sse.newEventBuilder().id(e.runId() + ":" + e.seq()).name(e.type())
                        .mediaType(MediaType.APPLICATION_JSON_TYPE).data(RunEvent.class, e).build());
        Multi<OutboundSseEvent> keepAlive = Multi.createFrom().ticks().every(Duration.ofSeconds(15))
                .map(tick -> sse.newEventBuilder().comment("keep-alive").build());
        return Multi.createBy().merging().streams(events, keepAlive);
    }
}
