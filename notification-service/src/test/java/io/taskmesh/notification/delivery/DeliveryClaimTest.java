package io.taskmesh.notification.delivery;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import io.taskmesh.testing.Tokens;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Replicas claim due deliveries side by side: a delivery one of them has claimed (or already delivered) while
 * another's claim was reading must not be claimed by that other too, or it is sent twice by live instances.
 */
@QuarkusTest
class DeliveryClaimTest {

    private static final int DELIVERIES = 2_000;
    private static final int ENDPOINTS = 200;
    private static final int CLAIMERS = 4;

    @Inject
    DeliveryRepository deliveries;

    @Test
    void claimsMadeAtTheSameTimeNeverTakeOneDeliveryTwice() throws Exception {
        UUID subscription = UUID.fromString(given().auth().oauth2(Tokens.of("alice")).contentType(ContentType.JSON)
                .body("{\"task\":\"claims-%s\",\"events\":[\"SUCCEEDED\"],\"url\":\"http://127.0.0.1:9/hook\"}"
                        .formatted(UUID.randomUUID()))
                .post("/api/v1/subscriptions").then().statusCode(201).extract().path("id"));
        // due a day from now, so this service's own worker leaves them alone; the claimers below look from then
        Instant dueAt = Instant.now().plus(Duration.ofDays(1));
        Instant then = dueAt.plusSeconds(60);
        List<Delivery> rows = IntStream.range(0, DELIVERIES)
                .mapToObj(i -> due(subscription, "claims-" + (i % ENDPOINTS), dueAt.plusMillis(i % 7))).toList();
        inTransaction(() -> deliveries.persist(rows));

        Map<UUID, Integer> claimed = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (ExecutorService claimers = Executors.newFixedThreadPool(CLAIMERS)) {
            List<Future<Integer>> rounds = new ArrayList<>();
            for (int c = 0; c < CLAIMERS; c++) {
                rounds.add(claimers.submit(() -> {
                    int round = 0;
                    // an empty claim only means the others hold what is due: go on until every delivery is taken
                    while (claimed.size() < DELIVERIES && System.nanoTime() < deadline) {
                        List<UUID> taken = inTransaction(() ->
                                deliveries.claimDue(then, Set.of(), 4, 50).map(due -> {
                                    // leased, as the worker does: due again only once the lease runs out
                                    due.forEach(d -> d.nextAttemptAt = then.plus(Duration.ofMinutes(5)));
                                    return due.stream().map(d -> d.id).toList();
                                }));
                        taken.forEach(id -> claimed.merge(id, 1, Integer::sum));
                        round += taken.isEmpty() ? 0 : 1;
                    }
                    return round;
                }));
            }
            int made = 0;
            for (Future<Integer> r : rounds) {
                made += r.get();
            }
            assertThat(made).as("claims made").isGreaterThanOrEqualTo(DELIVERIES / 50);
        } finally {
            inTransaction(() -> deliveries.delete("subscriptionId", subscription));
        }
        List<UUID> twice = claimed.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertThat(twice).as("deliveries claimed more than once (%d of %d)", twice.size(), DELIVERIES).isEmpty();
        assertThat(claimed).as("deliveries claimed").hasSize(DELIVERIES);
    }

    private static <T> T inTransaction(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(work));
        } catch (Throwable t) {
            throw new IllegalStateException("a transaction of the test failed", t);
        }
    }

    private static Delivery due(UUID subscription, String endpoint, Instant at) {
        Delivery d = new Delivery();
        d.id = UUID.randomUUID();
        d.subscriptionId = subscription;
        d.eventId = d.id.toString();
        d.endpoint = endpoint;
        d.runId = UUID.randomUUID();
        d.status = Delivery.Status.PENDING;
        d.attempts = 0;
        d.payload = "{}";
        d.eventType = "io.taskmesh.run.succeeded.v1";
        d.nextAttemptAt = at;
        d.createdAt = Instant.now();
        d.updatedAt = d.createdAt;
        return d;
    }
}
