package io.taskmesh.api.task;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A task of a tenant; its definitions are its {@link TaskVersion}s, the newest being {@code currentVersion}. */
@Entity
@Table(name = "task")
public class Task {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String tenant;

    @Column(nullable = false)
    public String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public TaskState state;

    @Column(name = "current_version", nullable = false)
    public int currentVersion;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    public String title;

    @Column(nullable = false, columnDefinition = "text")
    public String objective;

    /** The current version's labels as a JSON object, for filtering. */
    @Column(nullable = false, columnDefinition = "text")
    public String labels;
}
