package io.taskmesh.api.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

/**
 * The console's files are public (what they show comes from the API with the user's token), and it learns
 * where to sign in from its settings. Driven in a browser by the end-to-end ConsoleIT.
 */
@QuarkusTest
class ConsolePagesTest {

    @Test
    void theConsoleIsServedWithoutATokenAndSaysWhereToSignIn() {
        given().redirects().follow(false).get("/console").then().statusCode(302)
                .header("Location", endsWith("/console/"));
        given().get("/console/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("<title>Taskmesh console</title>")).body(containsString("console.js"));
        given().get("/console/console.js").then().statusCode(200).body(containsString("code_challenge_method"));
        given().get("/console/config.json").then().statusCode(200)
                .body("clientId", equalTo("taskmesh-console"))
                .body("authUrl", endsWith("/realms/taskmesh"))
                .body("notificationsUrl", equalTo("http://127.0.0.1:8083"));
    }

    @Test
    void theApiBehindItStillWantsAToken() {
        RestAssured.given().get("/api/v1/tasks").then().statusCode(401);
    }
}
