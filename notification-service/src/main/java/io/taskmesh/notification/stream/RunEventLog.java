package io.taskmesh.notification.stream;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The run events of every tenant for the last {@code taskmesh.stream.retention}, numbered by {@code seq}
 * in the order they became visible: what live streams read, and resume from.
 */
@ApplicationScoped
public class RunEventLog {

    private static final Logger LOG = Logger.getLogger(RunEventLog.class);
    /** Serialises appends, so seq order is commit order (an arbitrary constant: "tmlog"). */
    private static final long APPEND_LOCK = 0x746d6c6f67L;

    public record Entry(long seq, String eventType, String body) {
    }

    private final Pool pool;
    private final String table;
    private final Duration retention;

    public RunEventLog(Pool pool, @ConfigProperty(name = "taskmesh.db.schema") String schema,
            @ConfigProperty(name = "taskmesh.stream.retention", defaultValue = "PT24H") Duration retention) {
        this.pool = pool;
        this.table = schema + ".run_event_log";
        this.retention = retention;
    }

    /** An event to append. */
    public record Appended(String eventId, String tenant, String task, String status, String eventType, String body,
            Instant at) {

        Tuple tuple() {
            return Tuple.from(List.of(eventId, tenant, task, status, eventType, body, OffsetDateTime.ofInstant(at, ZoneOffset.UTC)));
        }
    }

    /** Stores the events in one transaction, in their order, each once (by event id): a redelivered record changes nothing. */
    public Uni<Void> appendAll(List<Appended> events) {
        return pool.withTransaction(connection -> connection
                .preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(APPEND_LOCK))
                .chain(() -> connection.preparedQuery("INSERT INTO " + table
                                + " (event_id, tenant, task_name, status, event_type, body, at)"
                                + " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING")
                        .executeBatch(events.stream().map(Appended::tuple).toList())))
                .replaceWithVoid();
    }

    /** The newest seq stored, 0 when none: where a stream without Last-Event-ID starts. */
    public Uni<Long> head() {
        return pool.query("SELECT coalesce(max(seq), 0) FROM " + table).execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** The tenant's events after {@code seq}, oldest first, optionally of one task and some statuses. */
    public Uni<List<Entry>> after(String tenant, long seq, String task, Set<String> statuses, int limit) {
        StringBuilder sql = new StringBuilder("SELECT seq, event_type, body FROM " + table
                + " WHERE tenant = $1 AND seq > $2");
        List<Object> params = new ArrayList<>(List.of(tenant, seq));
        if (task != null) {
            params.add(task);
            sql.append(" AND task_name = $").append(params.size());
        }
        if (!statuses.isEmpty()) {
            params.add(statuses.toArray(String[]::new));
            sql.append(" AND status = ANY($").append(params.size()).append(")");
        }
        params.add(limit);
        sql.append(" ORDER BY seq LIMIT $").append(params.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(rows -> {
            List<Entry> entries = new ArrayList<>();
            for (Row row : rows) {
                entries.add(new Entry(row.getLong("seq"), row.getString("event_type"), row.getString("body")));
            }
            return entries;
        });
    }

    @Scheduled(every = "${taskmesh.stream.prune-interval:10m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> prune() {
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minus(retention);
        return pool.preparedQuery("DELETE FROM " + table + " WHERE stored_at < $1").execute(Tuple.of(before))
                .invoke(rows -> {
                    if (rows.rowCount() > 0) {
                        LOG.debugf("pruned %d run events older than %s", rows.rowCount(), before);
                    }
                })
                .replaceWithVoid();
    }
}
