package io.taskmesh.api.audit;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.taskmesh.platform.security.CurrentTenant;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends to the audit log within the caller's transaction, so an action and its audit line are stored
 * together or not at all.
 */
@ApplicationScoped
public class AuditLog implements PanacheRepositoryBase<AuditEntry, Long> {

    public record Target(String type, String id, String name, Integer version) {
        public static Target task(String id, String name, Integer version) {
            return new Target("task", id, name, version);
        }

        public static Target run(String id, String task, Integer version) {
            return new Target("run", id, task, version);
        }
    }

    public Uni<Void> record(CurrentTenant.Caller caller, String action, Target target, String detail) {
        AuditEntry entry = new AuditEntry();
        entry.tenant = caller.tenant();
        entry.subject = caller.subject();
        entry.remoteAddress = caller.remoteAddress();
        entry.action = action;
        entry.targetType = target.type();
        entry.targetId = target.id();
        entry.targetName = target.name();
        entry.version = target.version();
        entry.detail = detail;
        entry.at = Instant.now();
        return persist(entry).replaceWithVoid();
    }

    /** Newest first; {@code before} is the id of the last entry of the previous page. */
    @WithSession
    public Uni<List<AuditEntry>> search(String tenant, String action, String targetType, String target, String subject,
            Long before, int limit) {
        StringBuilder query = new StringBuilder("tenant = :tenant");
        Map<String, Object> params = new HashMap<>();
        params.put("tenant", tenant);
        List<String> clauses = new ArrayList<>();
        if (action != null) {
            clauses.add("action = :action");
            params.put("action", action);
        }
        if (targetType != null) {
            clauses.add("targetType = :targetType");
            params.put("targetType", targetType);
        }
        if (target != null) {
            clauses.add("(targetId = :target or targetName = :target)");
            params.put("target", target);
        }
        if (subject != null) {
            clauses.add("subject = :subject");
            params.put("subject", subject);
        }
        if (before != null) {
            clauses.add("id < :before");
            params.put("before", before);
        }
        clauses.forEach(c -> query.append(" and ").append(c));
        return find(query + " order by id desc", params).page(0, limit).list();
    }
}
