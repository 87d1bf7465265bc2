package io.taskmesh.outbox;

import io.opentelemetry.context.Context;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.EventJson;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Adds events to the current transaction's outbox. Call it inside the transaction that makes the change
 * (e.g. within {@code @WithTransaction}); {@link OutboxRelay} publishes what was committed, in the trace that
 * was current here.
 */
@ApplicationScoped
public class Outbox {

    /** @return the CloudEvent id given to the event */
    public Uni<UUID> add(String topic, String key, String type, String subject, Object data) {
        return add(topic, key, type, subject, data, Map.of());
    }

    /** As above, the record carrying {@code headers} besides the CloudEvent's attributes. */
    public Uni<UUID> add(String topic, String key, String type, String subject, Object data, Map<String, String> headers) {
        OutboxMessage message = new OutboxMessage();
        message.id = UUID.randomUUID();
        message.topic = topic;
        message.key = key;
        message.type = type;
        message.subject = subject;
        message.payload = data instanceof String s ? s : EventJson.write(data);
        message.createdAt = Instant.now();
        message.headers = headers.isEmpty() ? null : EventJson.write(headers);
        OutboxTrace trace = OutboxTrace.of(Context.current());
        message.traceParent = trace.traceParent();
        message.traceState = trace.traceState();
        return Panache.getSession().chain(session -> session.persist(message)).replaceWith(message.id);
    }
}
