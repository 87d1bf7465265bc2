package io.taskmesh.notification.subscription;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class SubscriptionRepository implements PanacheRepositoryBase<Subscription, UUID> {

    /** Subscriptions of a tenant that cover a task: those for it by name and those for every task. */
    public Uni<List<Subscription>> forTask(String tenant, String task) {
        return list("tenant = ?1 and (taskName = ?2 or taskName is null) and deletedAt is null", tenant, task);
    }

    public Uni<List<Subscription>> listForTenant(String tenant) {
        return list("tenant = ?1 and deletedAt is null order by createdAt", tenant);
    }

    public Uni<Subscription> findForTenant(String tenant, UUID id) {
        return find("tenant = ?1 and id = ?2 and deletedAt is null", tenant, id).firstResult();
    }

    /** The subscriptions a task's definition asked for, still in force. */
    public Uni<List<Subscription>> managedBy(UUID taskId) {
        return list("managedByTask = ?1 and deletedAt is null", taskId);
    }
}
