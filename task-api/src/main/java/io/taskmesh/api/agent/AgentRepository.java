package io.taskmesh.api.agent;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class AgentRepository implements PanacheRepositoryBase<Agent, UUID> {

    public Uni<Agent> findByName(String tenant, String name) {
        return find("tenant = ?1 and name = ?2", tenant, name).firstResult();
    }

    public Uni<List<Agent>> forTenant(String tenant) {
        return list("tenant = ?1 order by name", tenant);
    }

    /** The tenant's default agents other than {@code name} (at most one). */
    public Uni<List<Agent>> otherDefaults(String tenant, String name) {
        return list("tenant = ?1 and isDefault = true and name <> ?2", tenant, name);
    }
}
