package io.taskmesh.api.docs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The API documents are public: OpenAPI for the REST API, AsyncAPI for the events, with their schemas. */
@QuarkusTest
class ApiDocumentsTest {

    @Test
    void theAsyncApiDocumentAndTheSchemasItRefersToAreServed() {
        String document = given().get("/asyncapi/taskmesh.yaml").then().statusCode(200)
                .body(containsString("asyncapi: 3.0.0")).body(containsString("taskmesh.run-requests.{pool}"))
                .extract().asString();
        Matcher refs = Pattern.compile("\\$ref: 'schemas/([^']+)'").matcher(document);
        int found = 0;
        while (refs.find()) {
            found++;
            given().get("/asyncapi/schemas/" + refs.group(1)).then().statusCode(200).body("$schema", containsString("2020-12"));
        }
        assertThat(found).isGreaterThanOrEqualTo(5);
        given().get("/asyncapi/schemas/..%2F..%2Fapplication.properties").then().statusCode(404);
    }

    @Test
    void theOpenApiDocumentDescribesTheRunDecisions() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths.'/api/v1/runs/{id}/answer'.post", notNullValue())
                .body("openapi", containsString("3."));
        given().get("/asyncapi/schemas/nope.v1.json").then().statusCode(404).body("status", equalTo(404));
    }
}
