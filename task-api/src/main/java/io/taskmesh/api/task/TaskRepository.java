package io.taskmesh.api.task;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.EventJson;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

@ApplicationScoped
public class TaskRepository implements PanacheRepositoryBase<Task, UUID> {

    /**
     * What a task list asks for: a state (null: every state but archived), labels the task must carry,
     * text to find in name, title or objective, and the name after which the page starts.
     */
    public record Filter(TaskState state, Map<String, String> labels, String text, String after) {
    }

    public Uni<Task> findByName(String tenant, String name) {
        return find("tenant = ?1 and name = ?2", tenant, name).firstResult();
    }

    /** Tasks in name order, filtered in the database (labels through the GIN index on their jsonb form). */
    public Uni<List<Task>> search(String tenant, Filter filter, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM {h-schema}task t WHERE t.tenant = :tenant");
        Map<String, Object> params = new HashMap<>();
        params.put("tenant", tenant);
        if (filter.state() == null) {
            sql.append(" AND t.state <> 'ARCHIVED'");
        } else {
            sql.append(" AND t.state = :state");
            params.put("state", filter.state().name());
        }
        if (filter.labels() != null && !filter.labels().isEmpty()) {
            sql.append(" AND CAST(t.labels AS jsonb) @> CAST(CAST(:labels AS text) AS jsonb)");
            params.put("labels", EventJson.write(filter.labels()));
        }
        if (filter.text() != null && !filter.text().isBlank()) {
            sql.append(" AND (t.name ILIKE :text OR t.title ILIKE :text OR t.objective ILIKE :text)");
            params.put("text", "%" + filter.text().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (filter.after() != null) {
            sql.append(" AND t.name > :after");
            params.put("after", filter.after());
        }
        sql.append(" ORDER BY t.name LIMIT :limit");
        params.put("limit", limit);
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql.toString(), Task.class);
            params.forEach(query::setParameter);
            return query.getResultList();
        });
    }

    /** The ids of the tenant's tasks (archived ones too) that carry every one of these labels. */
    public Uni<List<UUID>> idsWithLabels(String tenant, Map<String, String> labels) {
        String sql = "SELECT t.id FROM {h-schema}task t WHERE t.tenant = :tenant"
                + " AND CAST(t.labels AS jsonb) @> CAST(CAST(:labels AS text) AS jsonb)";
        return Panache.getSession().chain(session -> session.createNativeQuery(sql, UUID.class)
                .setParameter("tenant", tenant).setParameter("labels", EventJson.write(labels)).getResultList());
    }

    /** For each other non-archived task of the tenant, the names its current version links to. */
    public Uni<Map<String, Set<String>>> linksOfOthers(String tenant, String name) {
        String hql = "select t.name, v.definition from Task t, TaskVersion v where v.taskId = t.id "
                + "and v.version = t.currentVersion and t.tenant = :tenant and t.name <> :name and t.state <> :archived";
        return Panache.getSession().chain(session -> session.createSelectionQuery(hql, Object[].class)
                .setParameter("tenant", tenant).setParameter("name", name).setParameter("archived", TaskState.ARCHIVED)
                .getResultList()).map(rows -> {
                    Map<String, Set<String>> links = new HashMap<>();
                    for (Object[] row : rows) {
                        Set<String> targets = new HashSet<>();
                        TaskGraph.links(EventJson.readTree((String) row[1])).values().forEach(targets::addAll);
                        links.put((String) row[0], targets);
                    }
                    return links;
                });
    }
}
