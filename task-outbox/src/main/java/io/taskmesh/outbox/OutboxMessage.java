package io.taskmesh.outbox;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * An event waiting to be published, stored in the same transaction as the change it announces. Each
 * service has its own {@code outbox} table in its own schema (see its Flyway migrations); the trace columns come
 * with the outbox ({@code db/migration/R__outbox_trace_context.sql}).
 */
@Entity
@Table(name = "outbox")
public class OutboxMessage extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String topic;

    @Column(name = "message_key", nullable = false)
    public String key;

    @Column(nullable = false)
    public String type;

    public String subject;

    @Column(nullable = false, columnDefinition = "text")
    public String payload;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** W3C trace context of the transaction that stored it (see {@link OutboxTrace}); null when nothing was traced. */
    @Column(name = "trace_parent")
    public String traceParent;

    @Column(name = "trace_state")
    public String traceState;

    /** Kafka headers besides the CloudEvent's, a JSON object of strings ({@code R__outbox_headers.sql}); usually null. */
    @Column(columnDefinition = "text")
    public String headers;
}
