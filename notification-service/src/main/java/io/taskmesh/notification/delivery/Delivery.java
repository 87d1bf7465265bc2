package io.taskmesh.notification.delivery;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One event sent (or being sent) to one subscription, with what happened. */
@Entity
@Table(name = "delivery")
public class Delivery {

    /** PENDING: to be sent (again) at {@code nextAttemptAt}; DEAD: given up on until retried by hand. */
    public enum Status { PENDING, DELIVERED, DEAD }

    @Id
    public UUID id;

    @Column(name = "subscription_id", nullable = false)
    public UUID subscriptionId;

    @Column(name = "event_id", nullable = false)
    public String eventId;

    /** Host and explicit port of the URL, or {@code smtp}: what the per-endpoint limit counts. */
    @Column(nullable = false)
    public String endpoint;

    /** The run the event is about; null for an event about a task (TASK_DEACTIVATED). */
    @Column(name = "run_id")
    public UUID runId;

    @jakarta.persistence.Enumerated(jakarta.persistence.EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "response_code")
    public Integer responseCode;

    @Column(name = "latency_ms")
    public Long latencyMs;

    @Column(name = "last_error", columnDefinition = "text")
    public String lastError;

    /**
     * The webhook body, fixed when the event arrived, so every attempt sends the same bytes; written once (it may
     * hold a large result), not again at each claim and outcome.
     */
    @Column(nullable = false, updatable = false, columnDefinition = "text")
    public String payload;

    @Column(name = "event_type", nullable = false)
    public String eventType;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
