package io.taskmesh.scheduler.trigger.event;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * An event trigger of an active task: the CloudEvent type on a Kafka topic that starts a run. Its id comes from
 * the task and the trigger's name (else its position), so editing the filter or the mapping keeps the trigger,
 * and the events it already fired on stay fired.
 */
@Entity
@Table(name = "event_trigger")
public class EventTrigger {

    @Id
    public UUID id;

    @Column(name = "task_id", nullable = false)
    public UUID taskId;

    @Column(nullable = false)
    public int position;

    @Column(nullable = false)
    public String topic;

    @Column(name = "event_type", nullable = false)
    public String eventType;

    /** The trigger as written in the definition (JSON). */
    @Column(nullable = false, columnDefinition = "text")
    public String spec;

    /**
     * When the trigger started listening on its topic and type: events published earlier do not fire it, so
     * a new or reactivated trigger does not work through what the topic held before.
     */
    @Column(name = "active_since", nullable = false)
    public Instant activeSince;
}
