package io.taskmesh.api.agent;

import static io.taskmesh.api.ApiFixtures.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.taskmesh.events.AgentChanged;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.EventSchemas;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AgentResourceTest {

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void anAgentIsCreatedReplacedListedAndAnnouncedForTheScheduler() {
        String name = unique("critic");
        try (KafkaProbe probe = KafkaProbe.watch(Topics.TASK_DEFINITIONS)) {
            as("alice").contentType("application/yaml").body("""
                    role: a film critic
                    model: gpt-4o-mini
                    temperature: 0.2
                    """.getBytes(StandardCharsets.UTF_8)).put("/api/v1/agents/" + name).then().statusCode(201)
                    .body("name", equalTo(name)).body("definition.role", equalTo("a film critic"))
                    .body("isDefault", equalTo(false));
            as("alice").contentType(ContentType.JSON).body("{\"role\":\"a harsh film critic\",\"default\":true}")
                    .put("/api/v1/agents/" + name).then().statusCode(200).body("isDefault", equalTo(true));

            KafkaProbe.Event event = probe.await(e -> ("agent:acme/" + name).equals(e.key())
                    && e.value().contains("harsh"), Duration.ofSeconds(30));
            assertThat(event.type()).isEqualTo(AgentChanged.TYPE);
            assertThat(EventSchemas.violations(event.type(), EventJson.readTree(event.value()))).isEmpty();
            AgentChanged changed = EventJson.read(event.value(), AgentChanged.class);
            assertThat(changed.isDefault()).isTrue();
            assertThat(changed.agent().path("model").isMissingNode()).isTrue();
        }
        as("vera").get("/api/v1/agents").then().statusCode(200).body("items.name", hasItem(name));
        as("vera").get("/api/v1/agents/" + name).then().statusCode(200).body("definition.role", equalTo("a harsh film critic"));
    }

    @Test
    void makingAnAgentTheDefaultTakesThatFromThePreviousOne() {
        String first = unique("first");
        String second = unique("second");
        as("alice").contentType(ContentType.JSON).body("{\"default\":true}").put("/api/v1/agents/" + first).then().statusCode(201);
        as("alice").contentType(ContentType.JSON).body("{\"default\":true}").put("/api/v1/agents/" + second).then().statusCode(201);

        as("alice").get("/api/v1/agents/" + first).then().body("isDefault", equalTo(false));
        as("alice").get("/api/v1/agents/" + second).then().body("isDefault", equalTo(true));
    }

    @Test
    void badAgentsAreRefusedWithEveryFieldNamedAndNothingStored() {
        String name = unique("bad");
        as("alice").contentType(ContentType.JSON)
                .body("{\"baseUrl\":\"ftp://models\",\"temperature\":7,\"pool\":\"Not A Pool\",\"colour\":\"red\"}")
                .put("/api/v1/agents/" + name).then().statusCode(422)
                .body("errors.field", hasItems("baseUrl", "temperature", "pool", "colour"));
        as("alice").contentType(ContentType.JSON).body("{\"pool\":\"workers\",\"baseUrl\":\"https://models.example\"}")
                .put("/api/v1/agents/" + name).then().statusCode(422).body("errors[0].field", equalTo("pool"));
        as("alice").contentType(ContentType.JSON).body("{}").put("/api/v1/agents/Not_A_Name").then().statusCode(422)
                .body("errors[0].field", equalTo("name"));
        as("alice").get("/api/v1/agents/" + name).then().statusCode(404);
    }

    @Test
    void agentsBelongToTheirTenantAndOnlyAuthorsChangeThem() {
        String name = unique("private");
        as("vera").contentType(ContentType.JSON).body("{}").put("/api/v1/agents/" + name).then().statusCode(403);
        as("alice").contentType(ContentType.JSON).body("{}").put("/api/v1/agents/" + name).then().statusCode(201);
        as("bob").get("/api/v1/agents/" + name).then().statusCode(404);
        as("bob").delete("/api/v1/agents/" + name).then().statusCode(404);
        as("alice").delete("/api/v1/agents/" + name).then().statusCode(204);
        as("alice").get("/api/v1/agents/" + name).then().statusCode(404);
    }
}
