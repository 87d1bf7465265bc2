package io.taskmesh.api.audit.rest;

import io.smallrye.mutiny.Uni;
import io.taskmesh.api.audit.AuditEntry;
import io.taskmesh.api.audit.AuditLog;
import io.taskmesh.platform.security.CurrentTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/** The audit log of the admin's tenant, newest first; {@code before} pages back. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("taskmesh-admin")
public class AuditResource {

    public record AuditView(long id, String subject, String action, String targetType, String targetId,
            String targetName, Integer version, String detail, String remoteAddress, Instant at) {
        static AuditView of(AuditEntry e) {
            return new AuditView(e.id, e.subject, e.action, e.targetType, e.targetId, e.targetName, e.version, e.detail,
                    e.remoteAddress, e.at);
        }
    }

    private final AuditLog audit;
    private final CurrentTenant caller;

    public AuditResource(AuditLog audit, CurrentTenant caller) {
        this.audit = audit;
        this.caller = caller;
    }

    @GET
    public Uni<List<AuditView>> search(@QueryParam("action") String action, @QueryParam("targetType") String targetType,
            @QueryParam("target") String target, @QueryParam("subject") String subject,
            @QueryParam("before") Long before, @QueryParam("limit") @DefaultValue("100") int limit) {
        return audit.search(caller.id(), action, targetType, target, subject, before, Math.max(1, Math.min(limit, 1000)))
                .map(entries -> entries.stream().map(AuditView::of).toList());
    }
}
