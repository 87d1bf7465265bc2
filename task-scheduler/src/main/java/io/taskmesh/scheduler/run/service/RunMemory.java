package io.taskmesh.scheduler.run.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunRequest;
import io.taskmesh.scheduler.run.ScheduledRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What runs remember, kept in the scheduler's database: per tenant, in the scope {@code run} (owned by the run),
 * {@code session} (by the run's session) or {@code permanent} (by the task). A request carries what its run
 * can see; the writes an attempt reports with its outcome are stored in the transaction that records the
 * outcome, so a redelivered outcome (recognised by its seq) writes nothing twice.
 */
@ApplicationScoped
public class RunMemory {

    private static final List<String> SCOPES = RunRequest.MEMORY_SCOPES;

    /** {@code {"run": {...}, "session": {...}, "permanent": {...}}}, as the run's request carries it. */
    public Uni<JsonNode> of(ScheduledRun run) {
        ObjectNode memory = JsonNodeFactory.instance.objectNode();
        SCOPES.forEach(memory::putObject);
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                select scope, key, value from {h-schema}memory_entry
                where tenant = :tenant and ((scope = 'run' and owner = :run) or (scope = 'session' and owner = :session)
                                            or (scope = 'permanent' and owner = :task))
                order by scope, key""", Object[].class)
                .setParameter("tenant", run.tenant).setParameter("run", run.id.toString())
                .setParameter("session", run.sessionOrDefault()).setParameter("task", run.taskName)
                .getResultList())
                .map(rows -> {
                    for (Object[] row : rows) {
                        ((ObjectNode) memory.get((String) row[0])).set((String) row[1], EventJson.readTree((String) row[2]));
                    }
                    return memory;
                });
    }

    /** Stores what an attempt of {@code run} wrote: {@code {"session": {"key": value}}}; unknown scopes are ignored. */
    public Uni<Void> write(ScheduledRun run, JsonNode writes) {
        List<String[]> rows = new ArrayList<>();
        for (String scope : SCOPES) {
            String owner = switch (scope) {
                case "run" -> run.id.toString();
                case "session" -> run.sessionOrDefault();
                default -> run.taskName;
            };
            for (Map.Entry<String, JsonNode> entry : writes.path(scope).properties()) {
                rows.add(new String[] {scope, owner, entry.getKey(), entry.getValue().toString()});
            }
        }
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                insert into {h-schema}memory_entry (tenant, scope, owner, key, value, updated_at)
                select :tenant, e.scope, e.owner, e.key, e.value, :now
                from unnest(cast(:scopes as text[]), cast(:owners as text[]), cast(:keys as text[]), cast(:values as text[]))
                     as e(scope, owner, key, value)
                on conflict (tenant, scope, owner, key) do update set value = excluded.value, updated_at = excluded.updated_at""")
                .setParameter("tenant", run.tenant).setParameter("now", Instant.now())
                .setParameter("scopes", rows.stream().map(r -> r[0]).toArray(String[]::new))
                .setParameter("owners", rows.stream().map(r -> r[1]).toArray(String[]::new))
                .setParameter("keys", rows.stream().map(r -> r[2]).toArray(String[]::new))
                .setParameter("values", rows.stream().map(r -> r[3]).toArray(String[]::new))
                .executeUpdate())
                .replaceWithVoid();
    }
}
