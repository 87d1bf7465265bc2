package io.taskmesh.scheduler.trigger;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A schedule, interval or once trigger of an active task. Its id is derived from the task, its position
 * and its spec, so an update that keeps a trigger as it was keeps its next fire time.
 */
@Entity
@Table(name = "time_trigger")
public class TimeTrigger {

    @Id
    public UUID id;

    @Column(name = "task_id", nullable = false)
    public UUID taskId;

    @Column(nullable = false)
    public int position;

    /** The trigger as written in the definition (JSON). */
    @Column(nullable = false, columnDefinition = "text")
    public String spec;

    /** Null once a trigger will not fire again (a past once, or past its endAt). */
    @Column(name = "next_fire_at")
    public Instant nextFireAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
