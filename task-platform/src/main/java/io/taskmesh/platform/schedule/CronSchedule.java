package io.taskmesh.platform.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cron expression in a timezone. Five fields are Unix cron (minute precision); six are seconds first
 * (Spring/Quartz style, {@code ?} allowed); seven add Quartz's year. Fire times are computed in the
 * timezone, so a schedule at 02:30 Europe/Paris follows daylight-saving changes as a person expects.
 */
public final class CronSchedule {

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser SECONDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));
    private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    /** Parsed schedules by expression and timezone: parsing costs far more than computing a fire time. */
    private static final ConcurrentHashMap<String, CronSchedule> PARSED = new ConcurrentHashMap<>();
    private static final int PARSED_MAX = 10_000;

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime executionTime;

    private CronSchedule(String expression, ZoneId zone, Cron cron) {
        this.expression = expression;
        this.zone = zone;
        this.executionTime = ExecutionTime.forCron(cron);
    }

    /** @throws IllegalArgumentException naming what is wrong with the expression or the timezone */
    public static CronSchedule parse(String expression, String timezone) {
        String key = expression + '\u0000' + timezone;
        CronSchedule known = PARSED.get(key);
        if (known != null) {
            return known;
        }
        CronSchedule parsed = parseAnew(expression, timezone);
        if (PARSED.size() >= PARSED_MAX) {
            PARSED.clear();  // many distinct schedules: start over rather than grow without bound
        }
        PARSED.put(key, parsed);
        return parsed;
    }

    private static CronSchedule parseAnew(String expression, String timezone) {
        ZoneId zone = zone(timezone);
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("the cron expression is empty");
        }
        String trimmed = expression.trim();
        int fields = trimmed.split("\\s+").length;
        CronParser parser = switch (fields) {
            case 5 -> UNIX;
            case 6 -> SECONDS;
            case 7 -> QUARTZ;
            default -> throw new IllegalArgumentException("a cron expression has 5, 6 (with seconds) or 7 (with year) "
                    + "fields; '" + trimmed + "' has " + fields);
        };
        try {
            return new CronSchedule(trimmed, zone, parser.parse(trimmed).validate());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + trimmed + "' is not a valid cron expression: " + e.getMessage(), e);
        }
    }

    /** The IANA timezone, UTC when none is given. */
    public static ZoneId zone(String timezone) {
        if (timezone == null || timezone.isBlank()) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + timezone + "' is not an IANA timezone (e.g. Europe/Paris)", e);
        }
    }

    /** The first fire time strictly after {@code after}. */
    public Optional<ZonedDateTime> nextAfter(ZonedDateTime after) {
        return executionTime.nextExecution(after.withZoneSameInstant(zone));
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }
}
