package io.taskmesh.notification.stream;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.RunStatus;
import io.taskmesh.platform.problem.Problem.FieldError;
import io.taskmesh.platform.problem.ProblemException;
import io.taskmesh.platform.security.CurrentTenant;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The caller's tenant's run events as Server-Sent Events, optionally of one task and some statuses. Each
 * event's id is its seq in the {@link RunEventLog}; a client that reconnects with {@code Last-Event-ID}
 * gets every event after it that is still within the retention window, then the live ones. The data is the
 * same JSON body a webhook receives.
 */
@Path("/api/v1/events/stream")
public class EventStreamResource {

    private static final int PAGE = 200;

    private final RunEventLog log;
    private final CurrentTenant caller;
    private final Duration pollInterval;

    public EventStreamResource(RunEventLog log, CurrentTenant caller,
            @ConfigProperty(name = "taskmesh.stream.poll-interval", defaultValue = "PT0.5S") Duration pollInterval) {
        this.log = log;
        this.caller = caller;
        this.pollInterval = pollInterval;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> stream(@QueryParam("task") String task, @QueryParam("status") List<String> statuses,
            @HeaderParam("Last-Event-ID") String lastEventId, @Context Sse sse) {
        String tenant = caller.id();
        Set<String> wanted = new LinkedHashSet<>();
        for (String s : statuses) {
            try {
                wanted.add(RunStatus.valueOf(s.toUpperCase(Locale.ROOT)).name());
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalid(400, "Unknown status", List.of(new FieldError("status",
                        "'" + s + "' is not a run status; one of " + Arrays.toString(RunStatus.values()))));
            }
        }
        Long resumeAfter = parse(lastEventId);
        AtomicLong cursor = new AtomicLong();
        Uni<Long> start = resumeAfter != null ? Uni.createFrom().item(resumeAfter) : log.head();
        // one page at a time: the next poll starts after the last event of the previous one
        Multi<OutboundSseEvent> events = start.invoke(cursor::set)
                .onItem().transformToMulti(ignored -> Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1))
                        .every(pollInterval).onOverflow().drop())
                .onItem().transformToMultiAndConcatenate(tick -> log.after(tenant, cursor.get(), task, wanted, PAGE)
                        .invoke(page -> {
                            if (!page.isEmpty()) {
                                cursor.set(page.getLast().seq());
                            }
                        })
                        .onItem().<RunEventLog.Entry>disjoint())
                .map(e -> sse.newEventBuilder().id(Long.toString(e.seq())).name(e.eventType())
                        .mediaType(MediaType.APPLICATION_JSON_TYPE).data(e.body()).build());
        Multi<OutboundSseEvent> keepAlive = Multi.createFrom().ticks().every(Duration.ofSeconds(15))
                .onOverflow().drop()
                .map(tick -> sse.newEventBuilder().comment("keep-alive").build());
        return Multi.createBy().merging().streams(events, keepAlive);
    }

    private static Long parse(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return null;
        }
        try {
            long seq = Long.parseLong(lastEventId.trim());
            if (seq >= 0) {
                return seq;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.invalid(400, "Bad Last-Event-ID", List.of(new FieldError("Last-Event-ID",
                "must be the id of an event this stream sent (a number)")));
    }
}
