package io.taskmesh.api.run.rest;

import io.taskmesh.api.run.Run;
import io.taskmesh.api.run.RunRepository;
import io.taskmesh.events.RunStatus;
import io.taskmesh.platform.problem.Problem.FieldError;
import io.taskmesh.platform.problem.ProblemException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The query of a run list: {@code status} (repeatable), {@code is} one of ControlFlow's predicates
 * ({@code ready}, {@code complete}, {@code incomplete}, {@code successful}, {@code failed}), a creation time
 * range {@code from}/{@code to} (ISO-8601), {@code parent} (the runs of a run's subtasks), and
 * {@code cursor}/{@code limit} paging.
 */
public class RunListParams {

    @QueryParam("status")
    List<String> status;

    @QueryParam("is")
    String predicate;

    @QueryParam("label")
    List<String> label;

    @QueryParam("parent")
    String parent;

    @QueryParam("from")
    String from;

    @QueryParam("to")
    String to;

    @QueryParam("cursor")
    String cursor;

    @QueryParam("limit")
    @DefaultValue("50")
    int limit;

    /** A page of runs; pass {@code nextCursor} as {@code cursor} for the next one. */
    public record RunPage(List<RunView> items, String nextCursor) {
        static RunPage of(List<Run> found, int limit) {
            List<Run> page = found.size() > limit ? found.subList(0, limit) : found;
            String next = found.size() > limit ? cursorOf(page.getLast()) : null;
            return new RunPage(page.stream().map(RunView::of).toList(), next);
        }
    }

    static String cursorOf(Run run) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((run.createdAt + "|" + run.id).getBytes(StandardCharsets.UTF_8));
    }

    RunRepository.Filter toFilter(String task) {
        List<FieldError> errors = new ArrayList<>();
        Set<RunStatus> statuses = EnumSet.noneOf(RunStatus.class);
        for (String s : status == null ? List.<String>of() : status) {
            try {
                statuses.add(RunStatus.valueOf(s.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("status", "'" + s + "' is not one of " + Arrays.toString(RunStatus.values())));
            }
        }
        if (predicate != null) {
            Set<RunStatus> matching = EnumSet.noneOf(RunStatus.class);
            for (RunStatus s : RunStatus.values()) {
                boolean match = switch (predicate.toLowerCase(Locale.ROOT)) {
                    case "ready" -> s == RunStatus.READY || s == RunStatus.QUEUED;
                    case "complete" -> s.isTerminal();
                    case "incomplete" -> !s.isTerminal();
                    case "successful" -> s.isSuccessful();
                    case "failed" -> s == RunStatus.FAILED || s == RunStatus.TIMED_OUT;
                    default -> false;
                };
                if (match) {
                    matching.add(s);
                }
            }
            if (matching.isEmpty()) {
                errors.add(new FieldError("is", "is one of ready, complete, incomplete, successful, failed"));
            } else if (statuses.isEmpty()) {
                statuses = matching;
            } else {
                statuses.retainAll(matching);
                if (statuses.isEmpty()) {
                    errors.add(new FieldError("is", "no run can have one of the given statuses and be " + predicate));
                }
            }
        }
        Instant fromAt = instant("from", from, errors);
        Instant toAt = instant("to", to, errors);
        if (limit < 1 || limit > 500) {
            errors.add(new FieldError("limit", "is between 1 and 500"));
        }
        Instant beforeAt = null;
        UUID beforeId = null;
        if (cursor != null) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
                beforeAt = Instant.parse(parts[0]);
                beforeId = UUID.fromString(parts[1]);
            } catch (RuntimeException e) {
                errors.add(new FieldError("cursor", "is not a cursor this API gave out"));
            }
        }
        UUID parentId = null;
        if (parent != null) {
            try {
                parentId = UUID.fromString(parent);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("parent", "is not a run id"));
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String l : label == null ? List.<String>of() : label) {
            int eq = l.indexOf('=');
            if (eq < 1) {
                errors.add(new FieldError("label", "'" + l + "' is not key=value"));
            } else {
                labels.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(400, "The list parameters are not valid", errors);
        }
        return new RunRepository.Filter(task, List.copyOf(statuses), fromAt, toAt, beforeAt, beforeId, Map.copyOf(labels),
                null, parentId);
    }

    private static Instant instant(String field, String value, List<FieldError> errors) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "is not an ISO-8601 instant like 2026-01-31T12:00:00Z"));
            return null;
        }
    }
}
