package io.taskmesh.api;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import io.taskmesh.testing.Tokens;
import java.util.UUID;

/** Requests as the realm's local users, and the task definitions the tests share. */
public final class ApiFixtures {

    private ApiFixtures() {
    }

    public static RequestSpecification as(String user) {
        return given().auth().oauth2(Tokens.of(user));
    }

    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The task of the README: doubles the integer input {@code x}. */
    public static String doubleTask(String name) {
        return """
                {"name":"%s","objective":"Double a number",
                 "parameters":{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"]},
                 "resultSchema":{"type":"integer"},
                 "steps":[{"id":"calc","action":"transform","expression":"inputs.x * 2"}]}""".formatted(name);
    }
}
