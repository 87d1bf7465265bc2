package io.taskmesh.api.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.AgentRefs;
import io.taskmesh.events.EventJson;
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

    /**
     * The agent a run of this definition is handed: the one its task names, else the tenant's default, as
     * {@link AgentRefs} says; the definition's own {@code agent} when none is defined.
     */
    public Uni<JsonNode> resolve(String tenant, JsonNode named) {
        String name = AgentRefs.nameOf(named);
        Uni<Agent> found;
        if (AgentRefs.wantsDefault(named)) {
            found = find("tenant = ?1 and isDefault = true", tenant).firstResult();
        } else if (name != null) {
            found = findByName(tenant, name);
        } else {
            return Uni.createFrom().item(named);
        }
        return found.map(agent -> agent == null ? named : AgentRefs.over(EventJson.readTree(agent.definition), named));
    }

    /** The tenant's default agents other than {@code name} (at most one). */
    public Uni<List<Agent>> otherDefaults(String tenant, String name) {
        return list("tenant = ?1 and isDefault = true and name <> ?2", tenant, name);
    }
}
