package io.taskmesh.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What waits in this service's outbox, measured every few seconds rather than on each scrape (a gauge must
 * answer at once; the count is a query): {@code taskmesh_outbox_pending} events and the age of the oldest,
 * {@code taskmesh_outbox_oldest_age_seconds}. A relay that cannot reach Kafka shows as both growing.
 */
@ApplicationScoped
public class OutboxBacklog {

    private static final String MEASURE = """
            SELECT count(*) AS pending, (extract(epoch FROM min(created_at)) * 1000)::bigint AS oldest FROM %s.outbox""";

    private final Pool pool;
    private final Vertx vertx;
    private final String measure;
    private final Duration interval;
    /** -1 until the first measure, shown as NaN: no number is better than a wrong zero. */
    private final AtomicLong pending = new AtomicLong(-1);
    private final AtomicLong oldestEpochMillis = new AtomicLong();
    private volatile long timer = -1;

    public OutboxBacklog(Pool pool, Vertx vertx,
            @ConfigProperty(name = "taskmesh.db.schema") String schema,
            @ConfigProperty(name = "taskmesh.outbox.backlog-interval", defaultValue = "PT10S") Duration interval,
            MeterRegistry registry) {
        if (!schema.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("taskmesh.db.schema is not a plain schema name: " + schema);
        }
        this.pool = pool;
        this.vertx = vertx;
        this.measure = MEASURE.formatted(schema);
        this.interval = interval;
        Gauge.builder("taskmesh.outbox.pending", pending, p -> p.get() < 0 ? Double.NaN : p.get())
                .description("Events stored in the outbox and not yet published").register(registry);
        Gauge.builder("taskmesh.outbox.oldest.age", oldestEpochMillis, OutboxBacklog::ageSeconds)
                .description("Age of the oldest event waiting in the outbox (0 when it is empty)")
                .baseUnit("seconds").register(registry);
    }

    void start(@Observes StartupEvent event) {
        measure();
        timer = vertx.setPeriodic(interval.toMillis(), id -> measure());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Takes a new measure; a failed query keeps the last one (the relay logs database trouble already). */
    void measure() {
        pool.query(measure).execute().subscribe().with(rows -> {
            Row row = rows.iterator().next();
            pending.set(row.getLong("pending"));
            Long oldest = row.getLong("oldest");
            oldestEpochMillis.set(oldest == null ? 0 : oldest);
        }, failure -> {
        });
    }

    private static double ageSeconds(AtomicLong oldestEpochMillis) {
        long oldest = oldestEpochMillis.get();
        return oldest == 0 ? 0 : Math.max(0, Instant.now().toEpochMilli() - oldest) / 1000.0;
    }
}
