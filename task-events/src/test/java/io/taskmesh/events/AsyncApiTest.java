package io.taskmesh.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The AsyncAPI document tells the truth about the topics, the event types, their schemas and examples. */
class AsyncApiTest {

    private static JsonNode document() throws IOException {
        try (InputStream in = AsyncApiTest.class.getResourceAsStream("/io/taskmesh/events/asyncapi.yaml")) {
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }

    @Test
    void everyTopicIsAChannel() throws IOException {
        List<String> addresses = document().path("channels").findValuesAsText("address");
        assertThat(addresses).containsAll(Topics.ALL).contains(Topics.runRequests("{pool}"));
    }

    @Test
    void everyEventTypeIsAMessageWhoseSchemaIsTheOneConsumersCheck() throws Exception {
        JsonNode messages = document().path("components").path("messages");
        List<String> names = messages.findValuesAsText("name");
        for (Field field : EventTypes.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && !field.getName().equals("RUN_STATUS_PREFIX")) {
                String type = (String) field.get(null);
                assertThat(names).as("message for " + type).contains(type);
            }
        }
        for (JsonNode message : messages) {
            String type = message.path("name").asText();
            String ref = message.path("payload").path("$ref").asText();
            assertThat(AsyncApiTest.class.getResource("/io/taskmesh/events/" + ref)).as(ref).isNotNull();
            String checked = type.contains("<status>") ? RunStatus.SUCCEEDED.eventType() : type;
            assertThat(EventSchemas.schemaName(checked) + ".json").as("schema of " + type).isEqualTo(ref.replace("schemas/", ""));
        }
    }

    @Test
    void everyExampleMatchesItsSchema() throws IOException {
        List<String> problems = new ArrayList<>();
        int examples = 0;
        for (JsonNode message : document().path("components").path("messages")) {
            String type = message.path("name").asText().contains("<status>") ? RunStatus.SUCCEEDED.eventType()
                    : message.path("name").asText();
            for (JsonNode example : message.path("examples")) {
                examples++;
                EventSchemas.violations(type, example.path("payload")).forEach(v -> problems.add(type + ": " + v));
            }
        }
        assertThat(examples).isGreaterThanOrEqualTo(4);
        assertThat(problems).isEmpty();
    }
}
