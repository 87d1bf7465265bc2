package io.taskmesh.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.taskmesh.testing.KafkaProbe;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An event the broker refuses for good (here, larger than a producer request may be) is set aside in
 * {@code outbox_dead} with the reason, and the events stored before and after it are published all the same.
 */
@QuarkusTest
class OutboxDeadTest {

    private static final String TOPIC = "taskmesh.outbox-dead-test";

    @Inject
    Outbox outbox;

    @Inject
    Pool pool;

    @BeforeAll
    static void createTopic() throws Exception {
        KafkaProbe.createTopic(TOPIC);
    }

    @Test
    void anEventTheBrokerRefusesIsSetAsideAndTheOthersGoOn() throws Throwable {
        try (KafkaProbe probe = KafkaProbe.watch(TOPIC)) {
            String before = store("{}", java.util.Map.of("dead-letter-reason", "kept"));
            // over the producer's max.request.size (1 MiB): Kafka refuses it, whatever the number of tries
            String huge = store("\"" + "x".repeat(2 * 1024 * 1024) + "\"", java.util.Map.of("dead-letter-reason", "too big"));
            String after = store("{}");

            probe.await(e -> after.equals(e.key()), Duration.ofSeconds(30));
            KafkaProbe.Event published = probe.await(e -> before.equals(e.key()), Duration.ofSeconds(30));
            assertThat(published.headers()).as("the event's own headers, beside the CloudEvent's")
                    .containsEntry("dead-letter-reason", "kept").containsKey("ce_id");
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (dead(huge).isEmpty() && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(dead(huge)).as("the refused event, set aside").hasSize(1);
            Row row = dead(huge).getFirst();
            assertThat(row.getString("reason")).contains("RecordTooLarge");
            assertThat(row.getString("payload")).hasSize(2 * 1024 * 1024 + 2);
            assertThat(row.getString("headers")).as("kept with it").contains("too big");
            probe.watchFor(Duration.ofSeconds(1));
            assertThat(probe.seen(e -> huge.equals(e.key()))).isEmpty();
            assertThat(VertxContextSupport.subscribeAndAwait(() -> pool.query("SELECT count(*) FROM outbox_test.outbox")
                    .execute()).iterator().next().getLong(0)).isZero();
        }
    }

    private List<Row> dead(String key) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> pool
                .preparedQuery("SELECT reason, payload, headers FROM outbox_test.outbox_dead WHERE message_key = $1")
                .execute(Tuple.of(key)).map(rows -> {
                    List<Row> found = new java.util.ArrayList<>();
                    rows.forEach(found::add);
                    return found;
                }));
    }

    private String store(String payload) throws Throwable {
        return store(payload, java.util.Map.of());
    }

    private String store(String payload, java.util.Map<String, String> headers) throws Throwable {
        String key = UUID.randomUUID().toString();
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> outbox.add(TOPIC, key, "io.taskmesh.test.changed.v1", key, payload, headers)));
        return key;
    }
}
