package io.taskmesh.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.taskmesh.events.EventJson;
import io.taskmesh.platform.messaging.CloudEventMessages;
import io.taskmesh.platform.messaging.EventTrace;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes committed outbox rows to Kafka, oldest first, and deletes them once the broker has
 * acknowledged them, in one database transaction: a crash before the commit publishes them again
 * (at least once; consumers deduplicate on the CloudEvent id). The outbox is relayed in {@link #LANES} lanes side
 * by side, a lane holding the events whose key hashes to it, so the events of one key keep their order. A lane is
 * relayed by one relay at a time, whatever the number of replicas: its batch's transaction holds the lane's
 * advisory lock, and a replica that finds a lane taken leaves it to the holder. Each event is sent in the trace of
 * the transaction that stored it.
 * <p>
 * A lane with nothing to relay waits for a notification: the transaction that stores events notifies
 * {@code <schema>_outbox} with their lanes as it commits (R__outbox_notify.sql), and every relay listens, so an
 * event leaves moments after its commit. Each lane still looks every {@code taskmesh.outbox.idle-pause} (a notification is lost
 * while the listening connection is down), and every 50 ms while it is.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Lanes of the outbox; the index {@code outbox_lane} (R__outbox_lanes.sql) is on the same expression. */
    static final int LANES = 4;
    private static final String TAKE_LANE = "SELECT pg_try_advisory_xact_lock(hashtext($1), $2) AS taken";
    /**
     * One lane's batch, its lane and size written in (no parameters): planned for a parameter, the batch size's
     * generic plan hashed the whole outbox at every batch, which under a backlog took minutes. The claimed ids are
     * collected first (the InitPlan) and then deleted by primary key.
     */
    private static final String CLAIM = """
            DELETE FROM %1$s.outbox WHERE id = ANY(ARRAY(
              SELECT id FROM %1$s.outbox WHERE (hashtext(message_key) & 3) = %2$d ORDER BY position LIMIT %3$d
              FOR UPDATE SKIP LOCKED))
            RETURNING id, topic, message_key, type, subject, payload, position, trace_parent, trace_state, headers""";
    private static final String SET_ASIDE = """
            INSERT INTO %1$s.outbox_dead (id, topic, message_key, type, subject, payload, reason, headers, failed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()) ON CONFLICT (id) DO NOTHING""";

    private final Pool pool;
    private final Vertx vertx;
    private final MutinyEmitter<String> emitter;
    private final String source;
    private final String[] claims = new String[LANES];
    private final String laneLock;
    private final String setAside;
    private final Counter dead;
    private final int batchSize;
    private final Duration idlePause;
    private volatile boolean running;
    /**
     * 1 while a lane waits for its next look: whoever turns it to 0 (its timer, or a notification) starts the
     * lane's next batch, so a lane has one batch at a time. A timer that comes after a notification finds 0, or
     * at worst starts a look early.
     */
    private final AtomicIntegerArray idle = new AtomicIntegerArray(LANES);
    private final PgSubscriber subscriber;
    private final String channel;
    private volatile boolean listening;
    private final Timer relayTimer;
    private final AtomicLong lastBatch = new AtomicLong();

    public OutboxRelay(Pool pool, Vertx vertx,
            @Channel("outbox") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192) MutinyEmitter<String> emitter,
            @ConfigProperty(name = "quarkus.application.name") String source,
            @ConfigProperty(name = "taskmesh.db.schema") String schema,
            @ConfigProperty(name = "taskmesh.outbox.batch-size", defaultValue = "500") int batchSize,
            @ConfigProperty(name = "taskmesh.outbox.idle-pause", defaultValue = "PT1S") Duration idlePause,
            @ConfigProperty(name = "quarkus.datasource.reactive.url") String databaseUrl,
            @ConfigProperty(name = "quarkus.datasource.username") String databaseUser,
            @ConfigProperty(name = "quarkus.datasource.password") String databasePassword,
            MeterRegistry registry) {
        if (!schema.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("taskmesh.db.schema is not a plain schema name: " + schema);
        }
        this.pool = pool;
        this.vertx = vertx;
        for (int lane = 0; lane < LANES; lane++) {
            this.claims[lane] = CLAIM.formatted(schema, lane, batchSize);
        }
        this.laneLock = schema + ".outbox";
        this.setAside = SET_ASIDE.formatted(schema);
        this.dead = Counter.builder("taskmesh.outbox.dead")
                .description("Outbox events the broker refused for good, set aside in outbox_dead").register(registry);
        this.idlePause = idlePause;
        this.emitter = emitter;
        this.source = source;
        this.batchSize = batchSize;
        this.relayTimer = Timer.builder("taskmesh.outbox.relay").description("Time to relay one outbox batch")
                .register(registry);
        registry.gauge("taskmesh.outbox.last.batch", lastBatch);
        this.channel = schema + "_outbox";
        this.subscriber = PgSubscriber.subscriber(vertx, PgConnectOptions.fromUri(databaseUrl)
                        .setUser(databaseUser).setPassword(databasePassword))
                // asked when the connection is lost, and after each failed try: a second later, while the service runs
                .reconnectPolicy(retries -> {
                    listening = false;
                    return running ? 1000L : -1L;
                });
    }

    void start(@Observes StartupEvent event) {
        running = true;
        subscriber.channel(channel).handler(this::wake)
                .subscribeHandler(() -> {
                    listening = true;
                    wake();  // what was stored while it was not listening
                });
        listen();
        for (int lane = 0; lane < LANES; lane++) {
            schedule(lane, 0);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        subscriber.closeAndForget();
    }

    /** Connects the listening connection, again every second until it is (the lanes look every 50 ms meanwhile). */
    private void listen() {
        subscriber.connect().subscribe().with(ignored -> { }, failure -> {
            LOG.debugf("outbox relay not listening for notifications yet: %s", failure.getMessage());
            if (running) {
                vertx.setTimer(1000, id -> listen());
            }
        });
    }

    /** Events were committed in a lane (the payload; every lane when it names none): the lane looks now, if idle. */
    private void wake(String lane) {
        int only = -1;
        try {
            only = lane == null || lane.isEmpty() ? -1 : Integer.parseInt(lane);
        } catch (NumberFormatException notALane) {
            // every lane
        }
        for (int l = 0; l < LANES; l++) {
            if ((only < 0 || only == l) && idle.compareAndSet(l, 1, 0)) {
                schedule(l, 0);
            }
        }
    }

    private void wake() {
        wake(null);
    }

    /**
     * One batch at a time in each lane: straight on while batches come back full, a short pause when idle, taken
     * by another replica, or failing.
     */
    private void schedule(int lane, long delayMillis) {
        if (!running) {
            return;
        }
        if (delayMillis <= 0) {
            relayOnce(lane).subscribe().with(count -> afterBatch(lane, count), failure -> afterBatch(lane, -1));
        } else {
            idle.set(lane, 1);
            vertx.setTimer(delayMillis, id -> {
                if (idle.compareAndSet(lane, 1, 0)) {
                    schedule(lane, 0);
                }
            });
        }
    }

    private void afterBatch(int lane, int count) {
        if (count < 0) {
            // failing: not woken by notifications either, so a database or broker away is not hammered
            vertx.setTimer(1000, id -> schedule(lane, 0));
            return;
        }
        schedule(lane, count >= batchSize ? 0 : listening ? idlePause.toMillis() : 50);
    }

    /** Relays one batch of a lane; the number of events published, or -1 when it failed (and will be retried). */
    Uni<Integer> relayOnce(int lane) {
        Timer.Sample sample = Timer.start();
        return pool.withTransaction(connection -> connection.preparedQuery(TAKE_LANE).execute(Tuple.of(laneLock, lane))
                        .chain(taken -> taken.iterator().next().getBoolean("taken")
                                ? relayBatch(connection, lane) : Uni.createFrom().item(0)))
                .invoke(count -> {
                    lastBatch.set(count);
                    sample.stop(relayTimer);
                })
                .onFailure().invoke(t -> LOG.warnf("outbox relay failed, will retry: %s", t.getMessage()))
                .onFailure().recoverWithItem(-1);
    }

    private static Map<String, String> headers(String json) {
        if (json == null) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        EventJson.readTree(json).properties().forEach(header -> headers.put(header.getKey(), header.getValue().asText()));
        return headers;
    }

    private Uni<Integer> relayBatch(SqlConnection connection, int lane) {
        return connection.preparedQuery(claims[lane]).execute().chain(rows -> {
            List<Row> claimed = new ArrayList<>();
            rows.forEach(claimed::add);
            if (claimed.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            claimed.sort(Comparator.comparingLong(r -> r.getLong("position")));
            List<Uni<Tuple>> sends = new ArrayList<>(claimed.size());
            for (Row row : claimed) {
                // each event goes on with the trace of the transaction that stored it, not with the relay's
                OutboxTrace trace = new OutboxTrace(row.getString("trace_parent"), row.getString("trace_state"));
                sends.add(emitter.sendMessage(EventTrace.continuing(CloudEventMessages.of(source, row.getString("topic"),
                        row.getString("message_key"), row.getUUID("id").toString(), row.getString("type"),
                        row.getString("subject"), row.getString("payload"), headers(row.getString("headers"))), trace.context()))
                        .replaceWith((Tuple) null)
                        // refused for good: set aside, or it would hold up every event behind it; else the batch
                        // fails, nothing is deleted, and it is tried again
                        .onFailure(OutboxRelay::refusedForGood).recoverWithItem(failure -> {
                            LOG.errorf("outbox event %s (%s on %s) refused by the broker for good, set aside in outbox_dead: %s",
                                    row.getUUID("id"), row.getString("type"), row.getString("topic"), failure.toString());
                            return Tuple.tuple(java.util.Arrays.asList(row.getUUID("id"), row.getString("topic"),
                                    row.getString("message_key"), row.getString("type"), row.getString("subject"),
                                    row.getString("payload"), failure.toString(), row.getString("headers")));
                        }));
            }
            return Uni.join().all(sends).andFailFast().chain(outcomes -> {
                List<Tuple> refused = outcomes.stream().filter(java.util.Objects::nonNull).toList();
                if (refused.isEmpty()) {
                    return Uni.createFrom().item(claimed.size());
                }
                return connection.preparedQuery(setAside).executeBatch(refused).invoke(() -> dead.increment(refused.size()))
                        .replaceWith(claimed.size());
            });
        });
    }

    /**
     * A failure sending again cannot cure: one of Kafka's errors that is not retriable (the record is too large,
     * the topic name is invalid, the record cannot be serialised); anything else, say a broker away, is retried.
     */
    static boolean refusedForGood(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.RetriableException) {
                return false;
            }
            if (t instanceof org.apache.kafka.common.errors.RecordTooLargeException
                    || t instanceof org.apache.kafka.common.errors.InvalidTopicException
                    || t instanceof org.apache.kafka.common.errors.SerializationException) {
                return true;
            }
        }
        return false;
    }
}
