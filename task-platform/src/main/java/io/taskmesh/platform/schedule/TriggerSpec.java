package io.taskmesh.platform.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When a time trigger fires: {@code schedule} (cron in a timezone), {@code interval} ({@code every} 30s,
 * 5m, 2h, 1d from {@code anchor}) or {@code once} ({@code at}); within {@code startAt}/{@code endAt}. For
 * fire times missed while no scheduler ran, {@code misfire} says what to do: {@code skip} them, run
 * {@code once} for the latest, or run {@code all} of them up to {@code maxBackfill} (default 10).
 */
public record TriggerSpec(JsonNode json) {

    /** A fire time later than this after it was due counts as missed. */
    public static final Duration MISFIRE_THRESHOLD = Duration.ofSeconds(30);

    public static boolean isTimeTrigger(JsonNode trigger) {
        String type = trigger.path("type").asText();
        return (type.equals("schedule") || type.equals("interval") || type.equals("once"))
                && trigger.path("enabled").asBoolean(true);
    }

    public String type() {
        return json.path("type").asText();
    }

    public String name(int position) {
        return json.hasNonNull("name") ? json.get("name").asText() : type() + "#" + position;
    }

    public JsonNode inputs() {
        return json.path("inputs").isObject() ? json.get("inputs") : JsonNodeFactory.instance.objectNode();
    }

    /** The first fire time strictly after {@code after} within the window, or null when there is none. */
    public Instant nextAfter(Instant after) {
        Instant start = instant("startAt");
        Instant from = start != null && start.isAfter(after) ? start.minusNanos(1) : after;
        Instant next = switch (type()) {
            case "schedule" -> CronSchedule.parse(json.path("cron").asText(), json.path("timezone").asText(null))
                    .nextAfter(ZonedDateTime.ofInstant(from, java.time.ZoneOffset.UTC)).map(ZonedDateTime::toInstant)
                    .orElse(null);
            case "interval" -> nextInterval(from);
            case "once" -> {
                Instant at = instant("at");
                yield at != null && at.isAfter(from) ? at : null;
            }
            default -> null;
        };
        Instant end = instant("endAt");
        return next != null && end != null && next.isAfter(end) ? null : next;
    }

    /**
     * The fire times to run now for a trigger due at {@code due}: just {@code due} when it is on time, else
     * what the misfire policy says, oldest first.
     */
    public List<Instant> toFire(Instant due, Instant now) {
        if (!now.isAfter(due.plus(MISFIRE_THRESHOLD))) {
            return List.of(due);
        }
        List<Instant> missed = new ArrayList<>();
        int bound = json.path("maxBackfill").asInt(10);
        for (Instant t = due; t != null && !t.isAfter(now); t = nextAfter(t)) {
            missed.add(t);
            if (missed.size() > bound) {
                missed.removeFirst();
            }
        }
        return switch (json.path("misfire").asText("skip").toLowerCase(Locale.ROOT)) {
            case "all" -> missed;
            case "once" -> missed.isEmpty() ? List.of() : List.of(missed.getLast());
            default -> List.of();
        };
    }

    private Instant nextInterval(Instant after) {
        Duration every = every(json.path("every").asText());
        Instant anchor = instant("anchor");
        if (anchor == null) {
            anchor = instant("startAt");
        }
        if (anchor == null) {
            return after.plus(every);
        }
        if (anchor.isAfter(after)) {
            return anchor;
        }
        long periods = Duration.between(anchor, after).toMillis() / every.toMillis() + 1;
        return anchor.plusMillis(periods * every.toMillis());
    }

    public static Duration every(String text) {
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("not an interval: " + text);
        };
    }

    private Instant instant(String field) {
        return json.hasNonNull(field) ? OffsetDateTime.parse(json.get(field).asText()).toInstant() : null;
    }
}
