package io.taskmesh.testing;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Access tokens from the real Keycloak realm {@code taskmesh} (password grant of the CLI client). */
public final class Tokens {

    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private Tokens() {
    }

    public static String keycloakUrl() {
        String url = System.getenv("TASKMESH_KEYCLOAK_URL");
        return url == null || url.isBlank() ? "http://127.0.0.1:8180" : url;
    }

    /** A token for one of the realm's local users (alice, bob, vera, arthur, otto, admin), whose password is the user name. */
    public static String of(String user) {
        return CACHE.computeIfAbsent(user, u -> given()
                .formParam("grant_type", "password")
                .formParam("client_id", "taskmesh-cli")
                .formParam("username", u)
                .formParam("password", u)
                .post(keycloakUrl() + "/realms/taskmesh/protocol/openid-connect/token")
                .then().statusCode(200)
                .extract().path("access_token"));
    }
}
