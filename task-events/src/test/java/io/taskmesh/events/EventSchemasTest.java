package io.taskmesh.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventSchemasTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Test
    void aRunEventAsWrittenMatchesItsSchemaAndReadsBack() {
        RunEvent event = new RunEvent("acme", UUID.randomUUID().toString(), "double", 1, RunStatus.SUCCEEDED,
                3, 1, IntNode.valueOf(42), null, Instant.parse("2026-01-01T00:00:00Z"));

        String json = EventJson.write(event);

        assertThat(EventSchemas.violations(event.type(), EventJson.readTree(json))).isEmpty();
        assertThat(EventSchemas.parse(event.type(), json, RunEvent.class)).isEqualTo(event);
    }

    @Test
    void aGraphNodesFirstEventCarriesItsLinksAndReadsBack() {
        String parent = UUID.randomUUID().toString();
        String dependency = UUID.randomUUID().toString();
        RunEvent event = new RunEvent("acme", UUID.randomUUID().toString(), "fetch", 2, RunStatus.PENDING, 1, 0, null,
                null, Instant.parse("2026-01-01T00:00:00Z"), JSON.objectNode(), "graph:" + parent, null, parent,
                java.util.List.of(dependency), "report");

        String json = EventJson.write(event);

        assertThat(EventSchemas.violations(event.type(), EventJson.readTree(json))).isEmpty();
        assertThat(EventSchemas.parse(event.type(), json, RunEvent.class)).isEqualTo(event);
        var notAnId = EventJson.readTree(json).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) notAnId).putArray("dependencyRunIds").add(42);
        assertThat(EventSchemas.violations(event.type(), notAnId)).anySatisfy(m -> assertThat(m).contains("dependencyRunIds"));
    }

    @Test
    void aRunEventWithoutTenantOrWithAnUnknownFieldIsMalformed() {
        var data = JSON.objectNode().put("runId", UUID.randomUUID().toString()).put("task", "t").put("version", 1)
                .put("status", "RUNNING").put("seq", 2).put("attempt", 1).put("at", "2026-01-01T00:00:00Z")
                .put("colour", "blue");

        assertThat(EventSchemas.violations(RunStatus.RUNNING.eventType(), data))
                .anySatisfy(m -> assertThat(m).contains("tenant"))
                .anySatisfy(m -> assertThat(m).contains("colour"));
        assertThatThrownBy(() -> EventSchemas.parse(RunStatus.RUNNING.eventType(), data.toString(), RunEvent.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("does not match its schema");
    }

    @Test
    void notJsonAndUnknownTypesAreMalformed() {
        assertThatThrownBy(() -> EventSchemas.parse(RunCreateCommand.TYPE, "{not json", RunCreateCommand.class))
                .isInstanceOf(MalformedEventException.class);
        assertThatThrownBy(() -> EventSchemas.parse("io.example.unknown.v1", "{}", RunCreateCommand.class))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("unknown event type");
    }

    @Test
    void aRunCreateCommandFromAnExternalProducerNeedsOnlyTenantAndTask() {
        var minimal = JSON.objectNode().put("tenant", "acme").put("task", "double");
        minimal.putObject("inputs").put("x", 21);

        RunCreateCommand command = EventSchemas.parse(RunCreateCommand.TYPE, minimal.toString(), RunCreateCommand.class);

        assertThat(command.task()).isEqualTo("double");
        assertThat(command.inputs().get("x").asInt()).isEqualTo(21);
        assertThat(command.runId()).isNull();
    }
}
