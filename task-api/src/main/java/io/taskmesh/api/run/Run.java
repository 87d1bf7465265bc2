package io.taskmesh.api.run;

import io.taskmesh.events.RunStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** task-api's read model of a run: created on request, then moved along by the run events. */
@Entity
@Table(name = "run")
public class Run {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String tenant;

    @Column(name = "task_id", nullable = false)
    public UUID taskId;

    @Column(name = "task_name", nullable = false)
    public String taskName;

    @Column(name = "task_version", nullable = false)
    public int taskVersion;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public RunStatus status;

    /** The seq of the last run event applied; older or repeated events are ignored. */
    @Column(nullable = false)
    public long seq;

    @Column(nullable = false)
    public int attempt;

    /** Set once, when the run is created: left out of the updates of the row as the run's events come. */
    @Column(nullable = false, updatable = false, columnDefinition = "text")
    public String inputs;

    @Column(columnDefinition = "text")
    public String result;

    @Column(name = "error_code")
    public String errorCode;

    @Column(name = "error_message", columnDefinition = "text")
    public String errorMessage;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    /** The session the run was started in, if it was given one. */
    @Column(name = "session_id")
    public String session;

    @Column(name = "requested_by", nullable = false)
    public String requestedBy;

    /** A node of a run graph: the run whose subtask this one is. */
    @Column(name = "parent_run_id")
    public UUID parentRunId;

    /** A node of a run graph: the ids of the runs it waits for, as a JSON array; null outside graphs. */
    @Column(name = "dependency_run_ids", columnDefinition = "text")
    public String dependencyRunIds;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;
}
