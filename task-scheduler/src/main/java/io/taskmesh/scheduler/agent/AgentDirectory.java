package io.taskmesh.scheduler.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.AgentChanged;
import io.taskmesh.events.AgentRefs;
import io.taskmesh.events.EventJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.FlushModeType;

/**
 * The tenants' agents, kept from their announcements, and the agent a run is handed: the one its task names
 * (by name, or an object naming one, whose own fields win), else the tenant's default. A task that names an
 * agent nobody defined keeps the name, and the executor's default model carries it out.
 */
@ApplicationScoped
public class AgentDirectory implements PanacheRepositoryBase<KnownAgent, String> {

    /** Applies an announcement; an older one than what is known changes nothing. */
    @WithTransaction
    public Uni<Void> apply(AgentChanged event) {
        String id = event.tenant() + "/" + event.name();
        return findById(id).chain(known -> {
            if (known != null && known.changedAt.isAfter(event.changedAt())) {
                return Uni.createFrom().voidItem();
            }
            if (event.deleted()) {
                return known == null ? Uni.createFrom().voidItem() : delete(known);
            }
            KnownAgent agent = known != null ? known : new KnownAgent();
            agent.definition = event.agent().toString();
            agent.isDefault = event.isDefault();
            agent.changedAt = event.changedAt();
            if (known != null) {
                return Uni.createFrom().voidItem();
            }
            agent.id = id;
            agent.tenant = event.tenant();
            agent.name = event.name();
            return persist(agent).replaceWithVoid();
        });
    }

    /** The agent to hand with a run of this definition, or the definition's own {@code agent} when none is known. */
    public Uni<JsonNode> resolve(String tenant, JsonNode named) {
        String name = AgentRefs.nameOf(named);
        Uni<KnownAgent> found;
        if (AgentRefs.wantsDefault(named)) {
            // not flushed first: a run's transaction holds no change to agents, and a flush before the query would
            // go over every run and event the transaction holds (a batch of fired triggers holds thousands)
            found = Panache.getSession().chain(session -> session.createSelectionQuery(
                            "from KnownAgent where tenant = ?1 and isDefault = true order by changedAt desc", KnownAgent.class)
                    .setParameter(1, tenant).setFlushMode(FlushModeType.COMMIT).setMaxResults(1).getSingleResultOrNull());
        } else if (name != null) {
            found = findById(tenant + "/" + name);
        } else {
            return Uni.createFrom().item(named);
        }
        return found.map(agent -> agent == null ? named : AgentRefs.over(EventJson.readTree(agent.definition), named));
    }
}
