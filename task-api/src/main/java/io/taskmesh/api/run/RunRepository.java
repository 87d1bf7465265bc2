package io.taskmesh.api.run;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@ApplicationScoped
public class RunRepository implements PanacheRepositoryBase<Run, UUID> {

    /**
     * What a run list asks for; null fields do not filter. {@code beforeAt}/{@code beforeId} are the last run
     * of the previous page; {@code parent} keeps the subtasks' runs of one run.
     */
    public record Filter(String task, List<RunStatus> statuses, Instant from, Instant to, Instant beforeAt,
            UUID beforeId, Map<String, String> labels, List<UUID> taskIds, UUID parent) {

        public Filter(String task, List<RunStatus> statuses, Instant from, Instant to, Instant beforeAt, UUID beforeId) {
            this(task, statuses, from, to, beforeAt, beforeId, Map.of(), null, null);
        }

        public Filter(String task, List<RunStatus> statuses, Instant from, Instant to, Instant beforeAt,
                UUID beforeId, Map<String, String> labels, List<UUID> taskIds) {
            this(task, statuses, from, to, beforeAt, beforeId, labels, taskIds, null);
        }

        /** The same filter with the wanted labels replaced by the tasks that carry them. */
        public Filter ofTasks(List<UUID> ids) {
            return new Filter(task, statuses, from, to, beforeAt, beforeId, Map.of(), ids, parent);
        }
    }

    /** A run of this tenant; another tenant's run is as absent as one that never existed. */
    public Uni<Run> findForTenant(String tenant, UUID id) {
        return find("id = ?1 and tenant = ?2", id, tenant).firstResult();
    }

    /**
     * Holds the tenant's idempotency key until the caller's transaction ends: requests with one key look for its
     * run and start it one after the other, so the second finds the first's run instead of having its insert
     * refused (a constraint violation, which the driver and Hibernate log as errors).
     */
    public Uni<Void> lockIdempotencyKey(String tenant, String key) {
        return getSession().chain(session -> session
                .createNativeQuery("SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(:key, 0))", Integer.class)
                .setParameter("key", "run-idempotency/" + tenant + "/" + key).getSingleResult()).replaceWithVoid();
    }

    public Uni<Run> findByIdempotencyKey(String tenant, String key) {
        return find("tenant = ?1 and idempotencyKey = ?2", tenant, key).firstResult();
    }

    /** The runs of the subtasks of {@code parent}, oldest first (a graph's nodes are all created together). */
    public Uni<List<Run>> children(String tenant, UUID parent) {
        return find("tenant = ?1 and parentRunId = ?2 order by createdAt, id", tenant, parent).list();
    }

    /** Newest first, keyed on (createdAt, id) so paging never skips or repeats a run; uses the tenant indexes. */
    public Uni<List<Run>> search(String tenant, Filter filter, int limit) {
        StringBuilder query = new StringBuilder("tenant = :tenant");
        Map<String, Object> params = new HashMap<>();
        params.put("tenant", tenant);
        if (filter.task() != null) {
            query.append(" and taskName = :task");
            params.put("task", filter.task());
        }
        if (filter.statuses() != null && !filter.statuses().isEmpty()) {
            query.append(" and status in :statuses");
            params.put("statuses", filter.statuses());
        }
        if (filter.parent() != null) {
            query.append(" and parentRunId = :parent");
            params.put("parent", filter.parent());
        }
        if (filter.taskIds() != null) {
            query.append(" and taskId in :taskIds");
            params.put("taskIds", filter.taskIds());
        }
        if (filter.from() != null) {
            query.append(" and createdAt >= :from");
            params.put("from", filter.from());
        }
        if (filter.to() != null) {
            query.append(" and createdAt < :to");
            params.put("to", filter.to());
        }
        if (filter.beforeAt() != null) {
            // a row comparison, so that PostgreSQL starts the index scan at the cursor instead of filtering up to it
            query.append(" and (createdAt, id) < (:beforeAt, :beforeId)");
            params.put("beforeAt", filter.beforeAt());
            params.put("beforeId", filter.beforeId());
        }
        return find(query + " order by createdAt desc, id desc", params).page(0, limit).list();
    }
}
