package io.taskmesh.api.run;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class RunRepository implements PanacheRepositoryBase<Run, UUID> {

    /** A run of this tenant; another tenant's run is as absent as one that never existed. */
    public Uni<Run> findForTenant(String tenant, UUID id) {
        return find("id = ?1 and tenant = ?2", id, tenant).firstResult();
    }

    public Uni<Run> findByIdempotencyKey(String tenant, String key) {
        return find("tenant = ?1 and idempotencyKey = ?2", tenant, key).firstResult();
    }

    public Uni<List<Run>> listForTask(String tenant, String task, int limit) {
        return find("tenant = ?1 and taskName = ?2 order by createdAt desc", tenant, task).page(0, limit).list();
    }
}
