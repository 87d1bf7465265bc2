package io.taskmesh.api.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.taskmesh.api.audit.AuditLog;
import io.taskmesh.events.AgentChanged;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.Topics;
import io.taskmesh.outbox.Outbox;
import io.taskmesh.platform.problem.Problem.FieldError;
import io.taskmesh.platform.problem.ProblemException;
import io.taskmesh.platform.schema.JsonSchemas;
import io.taskmesh.platform.security.CurrentTenant.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A tenant's agents. Every change is announced (outbox, on the task-definitions topic) so the scheduler can
 * hand the agent a task names — or the tenant's default, for a task that names none — to whoever runs it.
 */
@ApplicationScoped
public class AgentService {

    private static final JsonSchema SCHEMA = JsonSchemas.load("io/taskmesh/api/agent.schema.json");

    private final AgentRepository agents;
    private final Outbox outbox;
    private final AuditLog audit;

    public AgentService(AgentRepository agents, Outbox outbox, AuditLog audit) {
        this.agents = agents;
        this.outbox = outbox;
        this.audit = audit;
    }

    /** Whether the agent is new. */
    public record Saved(Agent agent, boolean created) {
    }

    @WithSession
    public Uni<List<Agent>> list(String tenant) {
        return agents.forTenant(tenant);
    }

    @WithSession
    public Uni<Agent> get(String tenant, String name) {
        return find(tenant, name);
    }

    /** Creates or replaces the agent; making it the default takes that from the tenant's previous default. */
    @WithTransaction
    public Uni<Saved> save(Caller caller, String name, JsonNode given) {
        ObjectNode definition = requireValid(name, given);
        boolean isDefault = definition.path("default").asBoolean(false);
        definition.remove("default");
        definition.put("name", name);
        Instant now = Instant.now();
        // the previous default gives it up first (one default per tenant, checked by the database)
        Uni<Void> previous = !isDefault ? Uni.createFrom().voidItem()
                : agents.otherDefaults(caller.tenant(), name).chain(others -> {
                    Uni<Void> all = Uni.createFrom().voidItem();
                    for (Agent other : others) {
                        other.isDefault = false;
                        other.updatedAt = now;
                        all = all.chain(() -> announce(other, false));
                    }
                    return all.chain(() -> agents.flush());
                });
        return previous.chain(() -> agents.findByName(caller.tenant(), name)).chain(existing -> {
            Agent agent = existing != null ? existing : new Agent();
            if (existing == null) {
                agent.id = UUID.randomUUID();
                agent.tenant = caller.tenant();
                agent.name = name;
                agent.createdAt = now;
                agent.createdBy = caller.subject();
            }
            agent.definition = definition.toString();
            agent.isDefault = isDefault;
            agent.updatedAt = now;
            return (existing == null ? agents.persist(agent).replaceWithVoid() : Uni.createFrom().voidItem())
                    .chain(() -> announce(agent, false))
                    .chain(() -> audit.record(caller, existing == null ? "agent.create" : "agent.update", target(agent), null))
                    .replaceWith(new Saved(agent, existing == null));
        });
    }

    @WithTransaction
    public Uni<Void> delete(Caller caller, String name) {
        return find(caller.tenant(), name).chain(agent -> agents.delete(agent)
                .chain(() -> announce(agent, true))
                .chain(() -> audit.record(caller, "agent.delete", target(agent), null)));
    }

    private Uni<Void> announce(Agent agent, boolean deleted) {
        AgentChanged event = new AgentChanged(agent.tenant, agent.name, EventJson.readTree(agent.definition),
                agent.isDefault, deleted, agent.updatedAt);
        return outbox.add(Topics.TASK_DEFINITIONS, event.key(), AgentChanged.TYPE, agent.name, event).replaceWithVoid();
    }

    private static AuditLog.Target target(Agent agent) {
        return new AuditLog.Target("agent", agent.id.toString(), agent.name, null);
    }

    private Uni<Agent> find(String tenant, String name) {
        return agents.findByName(tenant, name).map(agent -> {
            if (agent == null) {
                throw ProblemException.notFound("agent '" + name + "'");
            }
            return agent;
        });
    }

    private static ObjectNode requireValid(String name, JsonNode given) {
        if (!(given instanceof ObjectNode definition)) {
            throw ProblemException.invalid(400, "An agent is a JSON or YAML object", List.of(new FieldError("", "must be an object")));
        }
        if (!definition.has("name")) {
            definition.put("name", name);
        }
        List<FieldError> errors = new ArrayList<>(JsonSchemas.violations(SCHEMA, definition, ""));
        if (!name.equals(definition.path("name").asText())) {
            errors.add(new FieldError("name", "must be '" + name + "', the name in the path"));
        }
        if (definition.hasNonNull("pool") && definition.hasNonNull("baseUrl")) {
            errors.add(new FieldError("pool", "an agent is either served by a pool of external workers or calls a model at baseUrl, not both"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(422, "The agent is not valid", errors);
        }
        return definition;
    }
}
