package io.taskmesh.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.cli.CliException;
import io.taskmesh.cli.ExitCode;
import io.taskmesh.cli.api.ApiClient;
import io.taskmesh.cli.api.ApiException;
import io.taskmesh.cli.api.EventStream;
import io.taskmesh.cli.api.Query;
import io.taskmesh.cli.output.Json;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Follows one run until it ends: its status changes as they happen, from the live stream
 * {@code /api/v1/runs/stream?run=<id>}, with the run read now and then besides, because a live stream drops
 * what happened before it opened and may drop events under load. A FAILED run whose task allows another
 * attempt is followed into its retry.
 */
final class RunWatcher {

    /** Told each status the run enters, once, in order. */
    interface Listener {
        void onStatus(String status, int attempt, String at, JsonNode error);
    }

    private static final Duration POLL_WITHOUT_STREAM = Duration.ofMillis(500);
    private static final Duration POLL_WITH_STREAM = Duration.ofSeconds(5);
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final List<String> ORDER = List.of("PENDING", "READY", "QUEUED", "RUNNING", "AWAITING_INPUT",
            "AWAITING_VALIDATION", "REVISE");
    private static final List<String> TERMINAL = List.of("SUCCEEDED", "VALIDATED", "FAILED", "CANCELLED", "TIMED_OUT",
            "SKIPPED");
    private static final JsonNode OPENED = JsonNodeFactory.instance.objectNode().put("opened", true);

    private final ApiClient api;
    private final Clock clock;
    private final Listener listener;
    private int lastAttempt = -1;
    private int lastRank = -1;
    private String lastStatus;
    private long lastSeq = -1;
    private boolean lastFromEvent;
    private JsonNode retryPolicy;

    RunWatcher(ApiClient api, Clock clock, Listener listener) {
        this.api = api;
        this.clock = clock;
        this.listener = listener;
    }

    static boolean isTerminal(String status) {
        return TERMINAL.contains(status);
    }

    /** The run once it ended; {@code timeout} null waits as long as it takes. */
    JsonNode follow(String runId, Duration timeout) {
        String path = "/api/v1/runs/" + Query.encode(runId);
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        AtomicBoolean streaming = new AtomicBoolean();
        Instant deadline = timeout == null ? null : clock.instant().plus(timeout);
        try (EventStream ignored = api.stream("/api/v1/runs/stream", Query.of().add("run", runId), new EventStream.Listener() {
            @Override
            public void onOpen() {
                streaming.set(true);
                events.add(OPENED);
            }

            @Override
            public void onEvent(EventStream.Event event) {
                try {
                    events.add(Json.parse(event.data()));
                } catch (UncheckedIOException e) {
                    // not a run event: nothing to follow in it
                }
            }

            @Override
            public void onEnd(String reason) {
                streaming.set(false);
            }
        })) {
            JsonNode run = api.get(path);
            Instant failedSince = null;
            while (true) {
                saw(run.path("status").asText(), run.path("attempt").asInt(), null, run.get("error"), -1);
                String status = run.path("status").asText();
                if (isTerminal(status)) {
                    if (!status.equals("FAILED") || !retryDue(run)) {
                        return run;
                    }
                    failedSince = failedSince == null ? clock.instant() : failedSince;
                    if (clock.instant().isAfter(failedSince.plus(retryGrace(run)))) {
                        return run;
                    }
                } else {
                    failedSince = null;
                }
                if (deadline != null && clock.instant().isAfter(deadline)) {
                    throw new CliException(ExitCode.FAILED, "run " + runId + " is still " + status + " after "
                            + timeout.toSeconds() + " s; follow it with 'taskmesh runs logs " + runId + " --follow'");
                }
                JsonNode event = events.poll((streaming.get() ? POLL_WITH_STREAM : POLL_WITHOUT_STREAM).toMillis(),
                        TimeUnit.MILLISECONDS);
                if (event != null && event != OPENED && runId.equals(event.path("runId").asText())) {
                    String eventStatus = event.path("status").asText();
                    saw(eventStatus, event.path("attempt").asInt(), event.path("at").asText(null), event.get("error"),
                            event.path("seq").asLong(-1));
                    if (isTerminal(eventStatus)) {
                        run = settle(path, event);
                        continue;
                    }
                    if (!events.isEmpty()) {
                        continue;
                    }
                }
                run = api.get(path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted");
        }
    }

    /**
     * Reports a status seen in the run ({@code seq} -1) or in an event. Statuses only move forward within an
     * attempt, so an older one seen late is left out; the one way back, RUNNING again after an answer to
     * AWAITING_INPUT, is believed from the source that saw the question: a later event, or the run itself.
     */
    private void saw(String status, int attempt, String at, JsonNode error, long seq) {
        boolean fromEvent = seq >= 0;
        if (fromEvent && seq <= lastSeq) {
            return;
        }
        int rank = TERMINAL.contains(status) ? ORDER.size() : ORDER.indexOf(status);
        boolean forward = attempt > lastAttempt || (attempt == lastAttempt && rank > lastRank);
        boolean answered = attempt == lastAttempt && "AWAITING_INPUT".equals(lastStatus) && "RUNNING".equals(status)
                && fromEvent == lastFromEvent;
        if (forward || answered) {
            lastAttempt = attempt;
            lastRank = rank;
            lastStatus = status;
            lastFromEvent = fromEvent;
            if (fromEvent) {
                lastSeq = seq;
            }
            listener.onStatus(status, attempt, at != null ? at : clock.instant().toString(), error);
        }
    }

    /**
     * The run as the API shows it once its read model caught up with the final event; the event's outcome on
     * the last view read if it has not within a few seconds.
     */
    private JsonNode settle(String path, JsonNode event) throws InterruptedException {
        Instant until = clock.instant().plus(SETTLE);
        JsonNode run = api.get(path);
        while (!(run.path("status").asText().equals(event.path("status").asText())
                && run.path("attempt").asInt() >= event.path("attempt").asInt()) && clock.instant().isBefore(until)) {
            Thread.sleep(200);
            run = api.get(path);
        }
        if (run.path("status").asText().equals(event.path("status").asText())) {
            return run;
        }
        ObjectNode merged = run.deepCopy();
        merged.put("status", event.path("status").asText()).put("attempt", event.path("attempt").asInt());
        if (event.hasNonNull("result")) {
            merged.set("result", event.get("result"));
        }
        if (event.hasNonNull("error")) {
            merged.set("error", event.get("error"));
        }
        return merged;
    }

    /** Whether the scheduler will try a FAILED run again: its task's {@code limits.maxAttempts} allows it. */
    private boolean retryDue(JsonNode run) {
        JsonNode limits = limits(run);
        return run.path("attempt").asInt() < limits.path("maxAttempts").asInt(1)
                && !"inputs-invalid".equals(run.path("error").path("code").asText());
    }

    /** The longest backoff before the next attempt, and some time for the scheduler to notice it is due. */
    private Duration retryGrace(JsonNode run) {
        JsonNode backoff = limits(run).path("backoff");
        double seconds = Math.min(backoff.path("maxSeconds").asDouble(300), backoff.path("initialSeconds").asDouble(1)
                * Math.pow(backoff.path("multiplier").asDouble(2), Math.max(0, run.path("attempt").asInt() - 1)));
        return Duration.ofMillis(Math.round(seconds * 1000)).plusSeconds(30);
    }

    private JsonNode limits(JsonNode run) {
        if (retryPolicy == null) {
            try {
                retryPolicy = api.get("/api/v1/tasks/" + Query.encode(run.path("task").asText()) + "/versions/"
                        + run.path("taskVersion").asInt()).path("definition").path("limits");
            } catch (ApiException e) {
                retryPolicy = JsonNodeFactory.instance.objectNode();
            }
        }
        return retryPolicy;
    }
}
