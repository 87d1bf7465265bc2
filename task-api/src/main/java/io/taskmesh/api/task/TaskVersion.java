package io.taskmesh.api.task;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/** One immutable version of a task's definition; runs pin the version they started with. */
@Entity
@Table(name = "task_version")
@IdClass(TaskVersion.Key.class)
public class TaskVersion {

    @Id
    @Column(name = "task_id")
    public UUID taskId;

    @Id
    public int version;

    /** The definition as the author gave it, normalised, as JSON. */
    @Column(nullable = false, columnDefinition = "text")
    public String definition;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    public record Key(UUID taskId, int version) implements Serializable {
        public Key() {
            this(null, 0);
        }
    }
}
