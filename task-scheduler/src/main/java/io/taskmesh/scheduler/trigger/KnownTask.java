package io.taskmesh.scheduler.trigger;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** The latest definition of a task as announced on the task-definitions topic. */
@Entity
@Table(name = "task_definition")
public class KnownTask {

    @Id
    @Column(name = "task_id")
    public UUID taskId;

    @Column(nullable = false)
    public String tenant;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public int version;

    @Column(nullable = false)
    public String state;

    @Column(nullable = false, columnDefinition = "text")
    public String definition;

    @Column(name = "changed_at", nullable = false)
    public Instant changedAt;
}
