package io.taskmesh.platform.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.taskmesh.platform.problem.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The tenant and user of the current request, from the bearer token: the {@code tenant} claim that
 * Keycloak maps from the user's attribute. Every row and event a request touches carries it.
 */
@RequestScoped
public class CurrentTenant {

    public static final String CLAIM = "tenant";

    /** Who is asking, for services and the audit log: tenant, subject and the client's address. */
    public record Caller(String tenant, String subject, String remoteAddress) {
    }

    private final SecurityIdentity identity;
    private final CurrentVertxRequest request;

    public CurrentTenant(SecurityIdentity identity, CurrentVertxRequest request) {
        this.identity = identity;
        this.request = request;
    }

    public Caller caller() {
        return new Caller(id(), user(), remoteAddress());
    }

    /** The client's address; behind a gateway, the first X-Forwarded-For hop. */
    public String remoteAddress() {
        if (request.getCurrent() == null) {
            return null;
        }
        String forwarded = request.getCurrent().request().getHeader("X-Forwarded-For");
        if (forwarded != null && !forwarded.isBlank()) {
            return forwarded.split(",")[0].trim();
        }
        var address = request.getCurrent().request().remoteAddress();
        return address == null ? null : address.hostAddress();
    }

    public String id() {
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            Object tenant = token.getClaim(CLAIM);
            if (tenant != null && !tenant.toString().isBlank()) {
                return tenant.toString();
            }
        }
        throw ProblemException.forbidden("the token carries no tenant claim");
    }

    public String user() {
        return identity.getPrincipal().getName();
    }
}
