package io.taskmesh.scheduler.trigger.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskmesh.events.EventJson;
import io.taskmesh.events.MalformedEventException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** CloudEvents in both modes of the Kafka binding, and what is not one; then filters and mappings over them. */
class ReceivedEventTest {

    private static ConsumerRecord<byte[], byte[]> record(String value, Map<String, String> headers) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("events.orders", 0, 0L, null,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    private static Map<String, String> binary(String contentType) {
        return contentType == null
                ? Map.of("ce_specversion", "1.0", "ce_id", "e-1", "ce_source", "urn:shop", "ce_type", "order.created",
                        "ce_priority", "high")
                : Map.of("ce_specversion", "1.0", "ce_id", "e-1", "ce_source", "urn:shop", "ce_type", "order.created",
                        "ce_priority", "high", "content-type", contentType);
    }

    @Test
    void binaryModeGivesTheAttributesExtensionsAndJsonData() {
        ReceivedEvent event = ReceivedEvent.of(record("{\"total\":250}", binary("application/json; charset=UTF-8")));
        assertThat(event.id()).isEqualTo("e-1");
        assertThat(event.source()).isEqualTo("urn:shop");
        assertThat(event.type()).isEqualTo("order.created");
        assertThat(event.event().get("priority").asText()).isEqualTo("high");
        assertThat(event.event().get("data").get("total").asInt()).isEqualTo(250);
        assertThat(ReceivedEvent.of(record("{\"total\":1}", binary(null))).event().get("data").get("total").asInt())
                .as("no content type: JSON when it is JSON").isEqualTo(1);
        assertThat(ReceivedEvent.of(record("hello", binary("text/plain"))).event().get("data").asText()).isEqualTo("hello");
        assertThat(ReceivedEvent.of(record(null, binary(null))).event().has("data")).isFalse();
    }

    @Test
    void structuredModeGivesTheSameShapeAndDecodesBase64Data() {
        String json = """
                {"specversion":"1.0","id":"e-2","source":"urn:shop","type":"order.created","subject":"o-1",
                 "datacontenttype":"application/json","data":{"total":250}}""";
        ReceivedEvent event = ReceivedEvent.of(record(json, Map.of("content-type", "application/cloudevents+json")));
        assertThat(event.id()).isEqualTo("e-2");
        assertThat(event.event().get("subject").asText()).isEqualTo("o-1");
        assertThat(event.event().get("data").get("total").asInt()).isEqualTo(250);

        String encoded = Base64.getEncoder().encodeToString("{\"total\":7}".getBytes(StandardCharsets.UTF_8));
        ReceivedEvent base64 = ReceivedEvent.of(record("""
                {"specversion":"1.0","id":"e-3","source":"urn:shop","type":"order.created",
                 "datacontenttype":"application/json","data_base64":"%s"}""".formatted(encoded),
                Map.of("content-type", "application/cloudevents+json")));
        assertThat(base64.event().get("data").get("total").asInt()).isEqualTo(7);
        assertThat(base64.event().has("data_base64")).isFalse();
    }

    @Test
    void whatIsNotACloudEvent10IsMalformed() {
        assertThatThrownBy(() -> ReceivedEvent.of(record("order created", Map.of())))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("not a CloudEvent");
        assertThatThrownBy(() -> ReceivedEvent.of(record("{\"total\":", binary("application/json"))))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("is not JSON");
        assertThatThrownBy(() -> ReceivedEvent.of(record("{\"total\":1}",
                Map.of("ce_specversion", "1.0", "ce_id", "e-1", "ce_type", "order.created"))))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("without source");
        assertThatThrownBy(() -> ReceivedEvent.of(record("""
                {"specversion":"0.3","id":"e-1","source":"urn:shop","type":"order.created"}""",
                Map.of("content-type", "application/cloudevents+json"))))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("specversion 0.3");
        assertThatThrownBy(() -> ReceivedEvent.of(record("[]", Map.of("content-type", "application/cloudevents-batch+json"))))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("batch");
        assertThatThrownBy(() -> ReceivedEvent.of(record("[1]", Map.of("content-type", "application/cloudevents+json"))))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("JSON object");
    }

    private static EventTriggerService.Evaluation evaluate(String trigger, String data) {
        ReceivedEvent event = ReceivedEvent.of(record(data, binary("application/json")));
        return EventTriggerService.evaluate(new EventTriggerSpec(EventJson.readTree(trigger)), 2, event);
    }

    @Test
    void theFilterDecidesAndTheMappingAddsToTheStaticInputs() {
        String trigger = """
                {"type":"event","topic":"events.orders","eventType":"order.created","filter":"event.data.total > 100",
                 "inputs":{"channel":"web","n":0},"inputsFrom":{"n":"event.data.total","who":"event.source",
                 "note":"event.data.note"}}""";
        assertThat(evaluate(trigger, "{\"total\":20,\"note\":null}")).as("filtered out").isNull();
        EventTriggerService.Evaluation fired = evaluate(trigger, "{\"total\":250,\"note\":null}");
        assertThat(fired.error()).isNull();
        assertThat(fired.inputs()).as("a mapping that gives null leaves the input out")
                .isEqualTo(EventJson.readTree("{\"channel\":\"web\",\"n\":250,\"who\":\"urn:shop\"}"));
    }

    @Test
    void anExpressionThatFailsOnTheEventIsAnErrorNamingItsField() {
        EventTriggerService.Evaluation missing = evaluate("""
                {"type":"event","topic":"t","eventType":"order.created","inputsFrom":{"n":"event.data.total"}}""", "{}");
        assertThat(missing.error().code()).isEqualTo("trigger-expression-failed");
        assertThat(missing.error().message()).startsWith("triggers[2].inputsFrom.n failed on event e-1 from urn:shop");
        EventTriggerService.Evaluation notBoolean = evaluate("""
                {"type":"event","topic":"t","eventType":"order.created","filter":"event.data.total"}""", "{\"total\":3}");
        assertThat(notBoolean.error().message()).startsWith("triggers[2].filter").contains("not true or false");
    }

    @Test
    void triggersMayNotReadThePlatformsOwnTopicsNorNamesKafkaRefuses() {
        assertThat(EventTriggerSpec.topicProblem("events.orders")).isNull();
        assertThat(EventTriggerSpec.topicProblem("orders_v2-eu")).isNull();
        assertThat(EventTriggerSpec.topicProblem("taskmesh.run-events")).contains("platform");
        assertThat(EventTriggerSpec.topicProblem("__consumer_offsets")).contains("platform");
        assertThat(EventTriggerSpec.topicProblem("orders/eu")).contains("not a Kafka topic name");
        assertThat(EventTriggerSpec.topicProblem("..")).contains("not a Kafka topic name");
        assertThat(EventTriggerSpec.topicProblem("x".repeat(250))).contains("not a Kafka topic name");
    }
}
