package io.taskmesh.platform.messaging;

import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Builds the Kafka records Taskmesh publishes: CloudEvents 1.0 in binary mode, JSON data, keyed. */
public final class CloudEventMessages {

    public static final String CONTENT_TYPE = "application/json";
    /** Every event's {@code source} is this followed by the name of the service that published it. */
    public static final String SOURCE_PREFIX = "urn:taskmesh:";

    private CloudEventMessages() {
    }

    /**
     * @param source the producing service, e.g. {@code task-api}
     * @param id unique per event; consumers deduplicate on it
     * @param key the Kafka key: a run id keeps a run's events in one partition, in order
     */
    public static Message<String> of(String source, String topic, String key, String id, String type,
            String subject, String json) {
        return of(source, topic, key, id, type, subject, json, Map.of());
    }

    /** As above, with Kafka {@code headers} besides the CloudEvent's attributes. */
    public static Message<String> of(String source, String topic, String key, String id, String type,
            String subject, String json, Map<String, String> headers) {
        OutgoingCloudEventMetadata<Object> cloudEvent = OutgoingCloudEventMetadata.builder()
                .withId(id)
                .withSource(URI.create(SOURCE_PREFIX + source))
                .withType(type)
                .withSubject(subject)
                .withDataContentType(CONTENT_TYPE)
                .build();
        OutgoingKafkaRecordMetadata<String> record = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topic)
                .withKey(key)
                .withHeaders(kafkaHeaders(headers))
                .build();
        return Message.of(json).addMetadata(cloudEvent).addMetadata(record);
    }

    private static RecordHeaders kafkaHeaders(Map<String, String> headers) {
        RecordHeaders kafka = new RecordHeaders();
        headers.forEach((name, value) -> kafka.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return kafka;
    }
}
