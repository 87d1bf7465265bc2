package io.taskmesh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * A Keycloak access token of one user (password grant of the CLI client {@code taskmesh-cli}), fetched
 * again shortly before it expires so that a long benchmark never sends an expired one.
 */
final class AccessToken {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String tokenUrl;
    private final String user;
    private final String password;
    private String token;
    private Instant renewAt = Instant.MIN;

    AccessToken(HttpClient http, String keycloak, String user, String password) {
        this.http = http;
        this.tokenUrl = keycloak + "/realms/taskmesh/protocol/openid-connect/token";
        this.user = user;
        this.password = password;
    }

    synchronized String get() {
        if (Instant.now().isAfter(renewAt)) {
            fetch();
        }
        return token;
    }

    /** The token's {@code tenant} claim: the tenant whose runs the benchmark starts. */
    String tenant() {
        String[] parts = get().split("\\.");
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            String tenant = claims.path("tenant").asText("");
            if (tenant.isEmpty()) {
                throw new IllegalStateException("the token of '" + user + "' has no tenant claim");
            }
            return tenant;
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalStateException("the token of '" + user + "' cannot be read", e);
        }
    }

    private void fetch() {
        String form = "grant_type=password&client_id=taskmesh-cli&username=" + encode(user) + "&password=" + encode(password);
        HttpRequest request = HttpRequest.newBuilder(URI.create(tokenUrl))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Keycloak refused the login of '" + user + "' at " + tokenUrl + ": HTTP "
                        + response.statusCode() + " " + response.body());
            }
            JsonNode body = JSON.readTree(response.body());
            token = body.path("access_token").asText();
            long lifetime = body.path("expires_in").asLong(60);
            renewAt = Instant.now().plusSeconds(Math.max(5, lifetime - 30));
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak is not reachable at " + tokenUrl + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while logging in", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
