package io.taskmesh.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.taskmesh.testing.KafkaProbe;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox is relayed in lanes side by side: the events of one key arrive in the order they were stored, and a
 * lane another relay holds (another replica) is left to it while the other lanes go on.
 */
@QuarkusTest
class OutboxLanesTest {

    private static final String TOPIC = "taskmesh.outbox-lanes-test";

    @Inject
    Outbox outbox;

    @Inject
    Pool pool;

    @ConfigProperty(name = "taskmesh.db.schema")
    String schema;

    @BeforeAll
    static void createTopic() throws Exception {
        KafkaProbe.createTopic(TOPIC);
    }

    @Test
    void theEventsOfOneKeyArriveInTheOrderTheyWereStored() throws Throwable {
        // six keys in each lane: random keys until every lane has its six (24 random keys missed a lane now and then)
        List<String> keys = new ArrayList<>();
        int[] perLane = new int[OutboxRelay.LANES];
        while (keys.size() < 6 * OutboxRelay.LANES) {
            String key = UUID.randomUUID().toString();
            if (perLane[lane(key)]++ < 6) {
                keys.add(key);
            }
        }
        assertThat(keys.stream().map(this::lane).distinct().count()).as("lanes the keys fall in").isEqualTo(OutboxRelay.LANES);
        try (KafkaProbe probe = KafkaProbe.watch(TOPIC)) {
            // 40 transactions, each storing the next event of every key, the keys in a different order each time
            for (int n = 0; n < 40; n++) {
                List<String> order = new ArrayList<>(keys);
                java.util.Collections.rotate(order, n * 7);
                int seq = n;
                VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> {
                    Uni<UUID> chain = Uni.createFrom().nullItem();
                    for (String key : order) {
                        chain = chain.chain(() -> outbox.add(TOPIC, key, "io.taskmesh.test.changed.v1", key,
                                "{\"seq\":" + seq + "}"));
                    }
                    return chain;
                }));
            }
            for (String key : keys) {
                probe.await(e -> key.equals(e.key()) && e.value().contains("\"seq\":39"), Duration.ofSeconds(30));
            }
            Map<String, List<Integer>> arrived = probe.seen(e -> keys.contains(e.key())).stream().collect(
                    Collectors.groupingBy(KafkaProbe.Event::key, Collectors.mapping(
                            e -> Integer.parseInt(e.value().replaceAll("\\D", "")), Collectors.toList())));
            List<Integer> inOrder = java.util.stream.IntStream.range(0, 40).boxed().toList();
            for (String key : keys) {
                assertThat(arrived.get(key)).as("the events of %s, as they arrived", key).isEqualTo(inOrder);
            }
        }
    }

    @Test
    void aLaneAnotherRelayHoldsIsLeftToItWhileTheOthersGoOn() throws Throwable {
        String held = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        while (lane(other) == lane(held)) {
            other = UUID.randomUUID().toString();
        }
        String free = other;
        int lane = lane(held);
        SqlConnection replica = VertxContextSupport.subscribeAndAwait(() -> pool.getConnection());
        try (KafkaProbe probe = KafkaProbe.watch(TOPIC)) {
            // what another replica's relay holds while it relays the lane
            VertxContextSupport.subscribeAndAwait(() -> replica.preparedQuery("SELECT pg_advisory_lock(hashtext($1), $2)")
                    .execute(Tuple.of("outbox_test.outbox", lane)));
            store(held);
            store(free);
            probe.await(e -> free.equals(e.key()), Duration.ofSeconds(30));
            probe.watchFor(Duration.ofSeconds(2));
            assertThat(probe.seen(e -> held.equals(e.key()))).as("the held lane's event, while it is held").isEmpty();

            VertxContextSupport.subscribeAndAwait(() -> replica.preparedQuery("SELECT pg_advisory_unlock(hashtext($1), $2)")
                    .execute(Tuple.of("outbox_test.outbox", lane)));
            probe.await(e -> held.equals(e.key()), Duration.ofSeconds(30));
            probe.watchFor(Duration.ofSeconds(1));
            assertThat(probe.seen(e -> held.equals(e.key()))).as("published once").hasSize(1);
        } finally {
            VertxContextSupport.subscribeAndAwait(replica::close);
        }
    }

    /** A queue table: vacuumed after every 5,000 dead rows, unthrottled, not after 20 % of the table (ADR 0002). */
    @Test
    void theOutboxAsksToBeVacuumedEveryFewThousandDeadRows() throws Throwable {
        List<String> options = new ArrayList<>();
        VertxContextSupport.subscribeAndAwait(() -> pool.preparedQuery(
                        "SELECT unnest(reloptions) AS option FROM pg_class WHERE oid = to_regclass($1)")
                        .execute(Tuple.of(schema + ".outbox")))
                .forEach(row -> options.add(row.getString("option")));
        assertThat(options).contains("autovacuum_vacuum_scale_factor=0", "autovacuum_vacuum_threshold=5000",
                "autovacuum_vacuum_cost_delay=0");
    }

    private int lane(String key) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> pool.preparedQuery("SELECT hashtext($1) & 3 AS lane")
                    .execute(Tuple.of(key))).iterator().next().getInteger("lane");
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private void store(String key) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(
                () -> outbox.add(TOPIC, key, "io.taskmesh.test.changed.v1", key, "{}")));
    }
}
