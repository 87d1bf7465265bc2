package io.taskmesh.scheduler.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.TaskDefinitionChanged;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Several scheduler replicas look for due triggers at the same moments, each in its own transaction against
 * the same database: every fire time is fired once, and makes one run, whichever replica claims it.
 */
@QuarkusTest
class TriggerReplicasTest {

    /** 50 triggers firing every second for 200 s: 10,000 fire times. */
    private static final int TASKS = 50;
    private static final int SECONDS = 200;
    private static final int REPLICAS = 3;

    @Inject
    Pool pool;

    @Inject
    TriggerService triggers;

    @Test
    void replicasFiringTogetherFireEachFireTimeOnce() throws Exception {
        List<UUID> tasks = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            UUID id = UUID.randomUUID();
            tasks.add(id);
            String name = "tick-" + id.toString().substring(0, 8);
            String definition = """
                    {"name":"%s","objective":"Tick","triggers":[{"type":"interval","every":"1s"}]}""".formatted(name);
            KafkaProbe.publishCloudEvent(Topics.TASK_DEFINITIONS, id.toString(), UUID.randomUUID().toString(),
                    TaskDefinitionChanged.TYPE, name, EventJson.write(new TaskDefinitionChanged("acme", id.toString(),
                            name, 1, "active", EventJson.readTree(definition), Instant.now())));
        }
        List<UUID> triggerIds = awaitTriggers(tasks);

        // an hour ahead, out of reach of this instance's own one-second firing: only the replicas below fire them
        Instant start = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        pool.preparedQuery("UPDATE task_scheduler.time_trigger SET next_fire_at = $1 WHERE id = ANY($2)")
                .execute(Tuple.of(start.atOffset(java.time.ZoneOffset.UTC), triggerIds.toArray(UUID[]::new)))
                .await().atMost(Duration.ofSeconds(10));

        int created = 0;
        long began = System.nanoTime();
        try (ExecutorService replicas = Executors.newFixedThreadPool(REPLICAS)) {
            for (int s = 0; s < SECONDS; s++) {
                Instant now = start.plusSeconds(s);
                List<Future<Integer>> ticks = new ArrayList<>();
                for (int r = 0; r < REPLICAS; r++) {
                    Callable<Integer> tick = () -> {
                        try {
                            return VertxContextSupport.subscribeAndAwait(() -> triggers.fireDue(now)).created();
                        } catch (Throwable t) {
                            throw new IllegalStateException("a replica's tick failed", t);
                        }
                    };
                    ticks.add(replicas.submit(tick));
                }
                for (Future<Integer> tick : ticks) {
                    created += tick.get();
                }
            }
        }

        System.out.printf("replicas: %d replicas fired %d fire times of %d triggers in %.1f s, %d runs created%n",
                REPLICAS, TASKS * SECONDS, TASKS, (System.nanoTime() - began) / 1e9, created);
        assertThat(created).as("runs created by the replicas together").isEqualTo(TASKS * SECONDS);
        List<Row> fires = new ArrayList<>();
        // (a trigger may also have fired on its own before it was moved ahead: those fire times are not counted)
        pool.preparedQuery("SELECT trigger_id, count(*) AS fires, count(DISTINCT run_id) AS runs, min(fire_time) AS first,"
                + " max(fire_time) AS last FROM task_scheduler.trigger_fire WHERE trigger_id = ANY($1) AND fire_time >= $2"
                + " GROUP BY trigger_id")
                .execute(Tuple.of(triggerIds.toArray(UUID[]::new), start.atOffset(java.time.ZoneOffset.UTC)))
                .await().atMost(Duration.ofSeconds(10))
                .forEach(fires::add);
        assertThat(fires).hasSize(TASKS);
        for (Row row : fires) {
            assertThat(row.getLong("fires")).as("fire times of trigger %s", row.getUUID("trigger_id")).isEqualTo(SECONDS);
            assertThat(row.getLong("runs")).isEqualTo(SECONDS);
            assertThat(row.getOffsetDateTime("first").toInstant()).isEqualTo(start);
            assertThat(row.getOffsetDateTime("last").toInstant()).isEqualTo(start.plusSeconds(SECONDS - 1));
        }
        long runs = pool.preparedQuery("SELECT count(*) FROM task_scheduler.run r JOIN task_scheduler.trigger_fire f"
                + " ON f.run_id = r.id WHERE f.trigger_id = ANY($1) AND f.fire_time >= $2")
                .execute(Tuple.of(triggerIds.toArray(UUID[]::new), start.atOffset(java.time.ZoneOffset.UTC)))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
        assertThat(runs).isEqualTo((long) TASKS * SECONDS);
    }

    private List<UUID> awaitTriggers(List<UUID> tasks) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            List<UUID> ids = new ArrayList<>();
            pool.preparedQuery("SELECT id FROM task_scheduler.time_trigger WHERE task_id = ANY($1)")
                    .execute(Tuple.of(tasks.toArray(UUID[]::new))).await().atMost(Duration.ofSeconds(5))
                    .forEach(row -> ids.add(row.getUUID("id")));
            if (ids.size() == tasks.size()) {
                return ids;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the triggers of the tasks never reached the scheduler");
    }
}
