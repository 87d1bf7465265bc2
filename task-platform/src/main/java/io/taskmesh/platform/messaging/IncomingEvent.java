package io.taskmesh.platform.messaging;

import io.smallrye.reactive.messaging.ce.IncomingCloudEventMetadata;
import io.taskmesh.events.EventSchemas;
import io.taskmesh.events.EventTypes;
import io.taskmesh.events.MalformedEventException;
import org.eclipse.microprofile.reactive.messaging.Message;

/** The CloudEvent attributes and data of a consumed Kafka record. */
public record IncomingEvent(String id, String type, String source, String subject, String data) {

    public static IncomingEvent of(Message<?> message) {
        IncomingCloudEventMetadata<?> ce = message.getMetadata(IncomingCloudEventMetadata.class)
                .orElseThrow(() -> new MalformedEventException("record is not a CloudEvent (no ce_ headers)"));
        if (ce.getId() == null || ce.getType() == null) {
            throw new MalformedEventException("CloudEvent without id or type");
        }
        Object payload = message.getPayload();
        String data = payload == null ? null : payload.toString();
        return new IncomingEvent(ce.getId(), ce.getType(), ce.getSource() == null ? null : ce.getSource().toString(),
                ce.getSubject().orElse(null), data);
    }

    /** The run this event is about: the subject of every run event, command and request; null for any other event. */
    public String runId() {
        return type.startsWith(EventTypes.RUN_STATUS_PREFIX) ? subject : null;
    }

    /** Whether the event was published by the service of this name ({@code urn:taskmesh:<name>}). */
    public boolean publishedBy(String service) {
        return source != null && source.equals(CloudEventMessages.SOURCE_PREFIX + service);
    }

    /** The data as {@code recordType}, checked against the JSON Schema of this event's type. */
    public <T> T data(Class<T> recordType) {
        return EventSchemas.parse(type, data, recordType);
    }
}
