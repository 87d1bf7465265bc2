package io.taskmesh.notification.delivery;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

@ApplicationScoped
public class DeliveryRepository implements PanacheRepositoryBase<Delivery, UUID> {

    /**
     * The oldest due deliveries, at most as many per endpoint as may be in flight to it (a backlog at one endpoint,
     * thousands of retries to one that refuses them, never fills the batch and starves the others), locked until
     * the caller's transaction ends; those another transaction holds are skipped, so replicas share the work.
     * <p>
     * The outer query asks again that the delivery be due. The ranking reads the table as it was when the statement
     * began, and a row another claim leased (or another send delivered) and committed since is not locked any more;
     * PostgreSQL then checks the newest version of the row against the outer conditions only. With {@code id} alone
     * there, such a delivery was claimed a second time and sent twice by live instances.
     */
    private static final String DUE = """
            SELECT * FROM {h-schema}delivery WHERE next_attempt_at <= :now AND id IN (
                SELECT id FROM (
                    SELECT id, next_attempt_at,
                           row_number() OVER (PARTITION BY endpoint ORDER BY next_attempt_at) AS place
                    FROM {h-schema}delivery
                    WHERE next_attempt_at <= :now AND NOT (endpoint = ANY(string_to_array(:busy, ',')))) ranked
                WHERE place <= :perEndpoint ORDER BY next_attempt_at LIMIT :batch)
            ORDER BY next_attempt_at
            FOR UPDATE SKIP LOCKED""";

    /** Due deliveries to claim, in the caller's transaction: {@code busy} endpoints have no room for more. */
    public Uni<List<Delivery>> claimDue(Instant now, Set<String> busy, int perEndpoint, int batch) {
        // endpoints are host[:port] or smtp: no commas
        return getSession().chain(session -> session.createNativeQuery(DUE, Delivery.class)
                .setParameter("now", now).setParameter("busy", String.join(",", busy))
                .setParameter("perEndpoint", perEndpoint).setParameter("batch", batch).getResultList());
    }

    public Uni<Delivery> find(UUID subscriptionId, String eventId) {
        return find("subscriptionId = ?1 and eventId = ?2", subscriptionId, eventId).firstResult();
    }

    public Uni<List<Delivery>> history(UUID subscriptionId, int limit) {
        return find("subscriptionId = ?1 order by createdAt desc", subscriptionId).page(0, limit).list();
    }
}
