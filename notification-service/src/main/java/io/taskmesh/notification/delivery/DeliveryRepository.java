package io.taskmesh.notification.delivery;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class DeliveryRepository implements PanacheRepositoryBase<Delivery, UUID> {

    public Uni<Delivery> find(UUID subscriptionId, String eventId) {
        return find("subscriptionId = ?1 and eventId = ?2", subscriptionId, eventId).firstResult();
    }

    public Uni<List<Delivery>> history(UUID subscriptionId, int limit) {
        return find("subscriptionId = ?1 order by createdAt desc", subscriptionId).page(0, limit).list();
    }
}
