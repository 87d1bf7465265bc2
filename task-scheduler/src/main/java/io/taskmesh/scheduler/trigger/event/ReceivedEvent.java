package io.taskmesh.scheduler.trigger.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.MalformedEventException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A CloudEvent 1.0 read from a Kafka record in either mode of the Kafka protocol binding: binary (attributes in
 * {@code ce_} headers, the data as the value, its type in {@code content-type}) or structured (the whole event
 * as JSON, {@code content-type: application/cloudevents+json}). {@code event} is the event in the JSON format of
 * CloudEvents, whatever the mode: {@code id}, {@code source}, {@code type}, {@code subject}, {@code time},
 * extensions, and {@code data} (JSON when its content type is JSON or absent, else text).
 */
public record ReceivedEvent(String id, String source, String type, ObjectNode event) {

    private static final String STRUCTURED = "application/cloudevents";
    private static final String CE_HEADER = "ce_";

    public static ReceivedEvent of(ConsumerRecord<byte[], byte[]> record) {
        String contentType = header(record, "content-type");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(STRUCTURED)) {
            if (contentType.toLowerCase(Locale.ROOT).startsWith(STRUCTURED + "-batch")) {
                throw new MalformedEventException("CloudEvents batch mode is not supported");
            }
            return structured(record.value());
        }
        if (header(record, "ce_specversion") != null || header(record, "ce_id") != null) {
            return binary(record, contentType);
        }
        throw new MalformedEventException("record is not a CloudEvent: no ce_ headers and content-type "
                + (contentType == null ? "absent" : "'" + contentType + "'"));
    }

    private static ReceivedEvent binary(ConsumerRecord<byte[], byte[]> record, String contentType) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        for (Header h : record.headers()) {
            if (h.key().startsWith(CE_HEADER) && h.value() != null) {
                event.put(h.key().substring(CE_HEADER.length()), new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        if (contentType != null) {
            event.put("datacontenttype", contentType);
        }
        if (record.value() != null) {
            event.set("data", data(record.value(), contentType));
        }
        return checked(event);
    }

    private static ReceivedEvent structured(byte[] value) {
        if (value == null) {
            throw new MalformedEventException("structured CloudEvent without a value");
        }
        JsonNode json = json(value, "structured CloudEvent");
        if (!json.isObject()) {
            throw new MalformedEventException("a structured CloudEvent is a JSON object");
        }
        ObjectNode event = (ObjectNode) json;
        JsonNode base64 = event.remove("data_base64");
        if (base64 != null && !event.has("data")) {
            try {
                event.set("data", data(Base64.getDecoder().decode(base64.asText()), event.path("datacontenttype").asText(null)));
            } catch (IllegalArgumentException e) {
                throw new MalformedEventException("data_base64 is not base64", e);
            }
        }
        return checked(event);
    }

    private static ReceivedEvent checked(ObjectNode event) {
        for (String required : new String[] {"specversion", "id", "source", "type"}) {
            if (!event.path(required).isTextual() || event.get(required).asText().isEmpty()) {
                throw new MalformedEventException("CloudEvent without " + required);
            }
        }
        if (!"1.0".equals(event.get("specversion").asText())) {
            throw new MalformedEventException("CloudEvents specversion " + event.get("specversion").asText()
                    + " is not supported (1.0 is)");
        }
        return new ReceivedEvent(event.get("id").asText(), event.get("source").asText(), event.get("type").asText(), event);
    }

    /** JSON when the content type says JSON (or says nothing and the bytes are JSON), else text. */
    private static JsonNode data(byte[] bytes, String contentType) {
        String type = contentType == null ? null : contentType.toLowerCase(Locale.ROOT);
        boolean json = type != null && (type.startsWith("application/json") || type.contains("+json"));
        if (json) {
            return json(bytes, "data of content-type " + contentType);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (type == null) {
            try {
                return EventJson.mapper().readTree(text);
            } catch (JsonProcessingException e) {
                return JsonNodeFactory.instance.textNode(text);
            }
        }
        return JsonNodeFactory.instance.textNode(text);
    }

    private static JsonNode json(byte[] bytes, String what) {
        try {
            JsonNode node = EventJson.mapper().readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new MalformedEventException(what + " is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new MalformedEventException(what + " is not JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new MalformedEventException(what + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
