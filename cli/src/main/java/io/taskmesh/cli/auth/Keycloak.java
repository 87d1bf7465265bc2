package io.taskmesh.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.cli.CliException;
import io.taskmesh.cli.ExitCode;
import io.taskmesh.cli.api.ApiClient.Http;
import io.taskmesh.cli.api.Query;
import io.taskmesh.cli.output.Json;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OAuth 2.0 endpoints of a Keycloak realm the command uses as the public client {@code taskmesh-cli}:
 * the password grant, the device authorization grant (RFC 8628), refresh, and logout.
 */
public final class Keycloak {

    public static final String CLIENT_ID = "taskmesh-cli";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** What the user must open to approve a device login, and how the command waits for it. */
    public record DeviceCode(String deviceCode, String userCode, String verificationUri, String verificationUriComplete,
            long expiresIn, long interval) {
    }

    private final HttpClient http;
    private final String realmUrl;
    private final Clock clock;

    public Keycloak(HttpClient http, String realmUrl, Clock clock) {
        this.http = http;
        this.realmUrl = realmUrl.endsWith("/") ? realmUrl.substring(0, realmUrl.length() - 1) : realmUrl;
        this.clock = clock;
    }

    public static String realmUrl(String keycloakUrl, String realm) {
        String base = keycloakUrl.endsWith("/") ? keycloakUrl.substring(0, keycloakUrl.length() - 1) : keycloakUrl;
        return base + "/realms/" + realm;
    }

    public String realmUrl() {
        return realmUrl;
    }

    public Credentials password(String username, String password) {
        Map<String, String> form = form("password");
        form.put("username", username);
        form.put("password", password);
        return tokens(post("/protocol/openid-connect/token", form), "login failed");
    }

    public Credentials refresh(Credentials credentials) {
        Map<String, String> form = form("refresh_token");
        form.put("refresh_token", credentials.refreshToken());
        return tokens(post("/protocol/openid-connect/token", form), "the session could not be renewed");
    }

    public DeviceCode startDeviceLogin() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", CLIENT_ID);
        form.put("scope", "openid");
        Answer answer = post("/protocol/openid-connect/auth/device", form);
        if (answer.status != 200) {
            throw failure("device login is not available", answer);
        }
        JsonNode body = answer.body;
        return new DeviceCode(body.path("device_code").asText(), body.path("user_code").asText(),
                body.path("verification_uri").asText(), body.path("verification_uri_complete").asText(null),
                body.path("expires_in").asLong(600), Math.max(1, body.path("interval").asLong(5)));
    }

    /** Polls the token endpoint at the interval the server asked for until the user approved or refused. */
    public Credentials awaitDeviceLogin(DeviceCode code) {
        long interval = code.interval();
        long deadline = clock.millis() + code.expiresIn() * 1000;
        while (clock.millis() < deadline) {
            sleep(interval);
            Map<String, String> form = form("urn:ietf:params:oauth:grant-type:device_code");
            form.put("device_code", code.deviceCode());
            Answer answer = post("/protocol/openid-connect/token", form);
            String error = answer.body.path("error").asText("");
            switch (error) {
                case "authorization_pending" -> {
                    continue;
                }
                case "slow_down" -> {
                    interval += 5;
                    continue;
                }
                default -> {
                    return tokens(answer, "login failed");
                }
            }
        }
        throw new CliException(ExitCode.AUTH, "login failed: the code expired before it was approved");
    }

    /** Ends the session at Keycloak, so the refresh token is worthless even if the file was copied. */
    public boolean logout(Credentials credentials) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", credentials.clientId());
        form.put("refresh_token", credentials.refreshToken());
        return post("/protocol/openid-connect/logout", form).status / 100 == 2;
    }

    private Map<String, String> form(String grantType) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", grantType);
        form.put("client_id", CLIENT_ID);
        return form;
    }

    private Credentials tokens(Answer answer, String failure) {
        if (answer.status != 200 || !answer.body.hasNonNull("access_token")) {
            throw failure(failure, answer);
        }
        JsonNode body = answer.body;
        long now = clock.instant().getEpochSecond();
        long refreshExpiresIn = body.path("refresh_expires_in").asLong(0);
        return new Credentials(realmUrl, CLIENT_ID, body.get("access_token").asText(),
                now + body.path("expires_in").asLong(300), body.path("refresh_token").asText(null),
                refreshExpiresIn == 0 ? 0 : now + refreshExpiresIn);
    }

    private CliException failure(String what, Answer answer) {
        String description = answer.body.path("error_description").asText(answer.body.path("error").asText(""));
        if (answer.status == 404 && description.isEmpty()) {
            description = "no realm at " + realmUrl;
        }
        if (description.isEmpty()) {
            description = "Keycloak answered " + answer.status;
        }
        return new CliException(answer.status >= 500 ? ExitCode.FAILED : ExitCode.AUTH, what + ": " + description);
    }

    private record Answer(int status, JsonNode body) {
    }

    private Answer post(String path, Map<String, String> form) {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(Query.encode(k)).append('=')
                .append(Query.encode(v == null ? "" : v)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(realmUrl + path)).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> response = Http.send(http, request, HttpResponse.BodyHandlers.ofString(),
                "Keycloak at " + realmUrl);
        JsonNode parsed;
        try {
            parsed = response.body() == null || response.body().isBlank() ? Json.parse("{}") : Json.parse(response.body());
        } catch (UncheckedIOException e) {
            parsed = Json.parse("{}");
        }
        return new Answer(response.statusCode(), parsed);
    }

    private static void sleep(long seconds) {
        try {
            Thread.sleep(Duration.ofSeconds(seconds));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.FAILED, "interrupted");
        }
    }
}
