package io.taskmesh.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.taskmesh.platform.messaging.CloudEventMessages;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes committed outbox rows to Kafka, oldest first, and deletes them once the broker has
 * acknowledged them, in one database transaction: a crash before the commit publishes them again
 * (at least once; consumers deduplicate on the CloudEvent id). Rows are claimed with
 * {@code FOR UPDATE SKIP LOCKED}, so several replicas relay side by side without publishing a row twice
 * while it is in flight.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final String CLAIM = """
            DELETE FROM outbox WHERE id IN (
              SELECT id FROM outbox ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING id, topic, message_key, type, subject, payload, position""";

    private final Pool pool;
    private final MutinyEmitter<String> emitter;
    private final String source;
    private final int batchSize;
    private final Timer relayTimer;
    private final AtomicLong lastBatch = new AtomicLong();

    public OutboxRelay(Pool pool,
            @Channel("outbox") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192) MutinyEmitter<String> emitter,
            @ConfigProperty(name = "quarkus.application.name") String source,
            @ConfigProperty(name = "taskmesh.outbox.batch-size", defaultValue = "500") int batchSize,
            MeterRegistry registry) {
        this.pool = pool;
        this.emitter = emitter;
        this.source = source;
        this.batchSize = batchSize;
        this.relayTimer = Timer.builder("taskmesh.outbox.relay").description("Time to relay one outbox batch")
                .register(registry);
        registry.gauge("taskmesh.outbox.last.batch", lastBatch);
    }

    @Scheduled(every = "${taskmesh.outbox.poll-interval:0.1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> relay() {
        Timer.Sample sample = Timer.start();
        return pool.withTransaction(this::relayBatch)
                .invoke(count -> {
                    lastBatch.set(count);
                    sample.stop(relayTimer);
                })
                .onFailure().invoke(t -> LOG.warnf("outbox relay failed, will retry: %s", t.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<Integer> relayBatch(SqlConnection connection) {
        return connection.preparedQuery(CLAIM).execute(Tuple.of(batchSize)).chain(rows -> {
            List<Row> claimed = new ArrayList<>();
            rows.forEach(claimed::add);
            if (claimed.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            claimed.sort(Comparator.comparingLong(r -> r.getLong("position")));
            List<Uni<Void>> sends = new ArrayList<>(claimed.size());
            for (Row row : claimed) {
                sends.add(emitter.sendMessage(CloudEventMessages.of(source, row.getString("topic"),
                        row.getString("message_key"), row.getUUID("id").toString(), row.getString("type"),
                        row.getString("subject"), row.getString("payload"))));
            }
            return Uni.join().all(sends).andFailFast().replaceWith(claimed.size());
        });
    }
}
