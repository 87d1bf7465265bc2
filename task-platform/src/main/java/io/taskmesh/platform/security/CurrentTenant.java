package io.taskmesh.platform.security;

import io.quarkus.security.identity.SecurityIdentity;
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

    private final SecurityIdentity identity;

    public CurrentTenant(SecurityIdentity identity) {
        this.identity = identity;
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
