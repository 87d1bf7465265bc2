package io.taskmesh.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.cli.output.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The tokens of a login and where they came from, so the access token can be refreshed at the same realm.
 * Times are epoch seconds; {@code refreshExpiresAt} 0 means the refresh token does not expire on its own.
 */
public record Credentials(String realmUrl, String clientId, String accessToken, long expiresAt, String refreshToken,
        long refreshExpiresAt) {

    public boolean expiresWithin(long seconds, Instant now) {
        return expiresAt - seconds <= now.getEpochSecond();
    }

    public boolean canRefresh(Instant now) {
        return refreshToken != null && (refreshExpiresAt == 0 || refreshExpiresAt > now.getEpochSecond());
    }

    /** The access token's claims, read without checking its signature: only to tell the user who they are. */
    public JsonNode claims() {
        String[] parts = accessToken.split("\\.");
        if (parts.length < 2) {
            return Json.parse("{}");
        }
        try {
            return Json.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return Json.parse("{}");
        }
    }

    public String username() {
        return claims().path("preferred_username").asText("?");
    }

    /** "alice (tenant acme; task-author, task-operator)" */
    public String describe() {
        JsonNode claims = claims();
        List<String> roles = new ArrayList<>();
        for (JsonNode role : claims.path("realm_access").path("roles")) {
            if (role.asText().startsWith("task") ) {
                roles.add(role.asText());
            }
        }
        String tenant = claims.path("tenant").asText("");
        List<String> about = new ArrayList<>();
        if (!tenant.isEmpty()) {
            about.add("tenant " + tenant);
        }
        if (!roles.isEmpty()) {
            about.add(String.join(", ", roles));
        }
        return username() + (about.isEmpty() ? "" : " (" + String.join("; ", about) + ")");
    }
}
