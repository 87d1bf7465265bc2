package io.taskmesh.scheduler.run;

import io.taskmesh.events.RunStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A run as the scheduler supervises it: the pinned definition, its inputs, attempt and last seq. */
@Entity
@Table(name = "run")
public class ScheduledRun {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String tenant;

    @Column(name = "task_name", nullable = false)
    public String taskName;

    @Column(name = "task_version", nullable = false)
    public int taskVersion;

    /**
     * Set once, when the run is created, and left out of the updates of the row at each of the run's steps: a
     * definition of a few kilobytes is stored out of line, and sent again it was written again (WAL included)
     * at every update.
     */
    @Column(nullable = false, updatable = false, columnDefinition = "text")
    public String definition;

    /** Set once, as {@link #definition}. */
    @Column(nullable = false, updatable = false, columnDefinition = "text")
    public String inputs;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public RunStatus status;

    @Column(nullable = false)
    public int attempt;

    /** The highest seq of this run's events, whoever emitted it; the next event the scheduler emits follows it. */
    @Column(nullable = false)
    public long seq;

    /** The last result reported, kept while the run awaits validation. */
    @Column(columnDefinition = "text")
    public String result;

    /** Feedback given on earlier attempts, a JSON array of {@code RunRequest.Feedback}. */
    @Column(nullable = false, columnDefinition = "text")
    public String feedback;

    /** The question the current attempt stopped on (AWAITING_INPUT); null once answered. */
    @Column(columnDefinition = "text")
    public String question;

    /** Answers given to the run's questions, a JSON array of {@code RunRequest.Answer}. */
    @Column(nullable = false, columnDefinition = "text")
    public String answers = "[]";

    /**
     * Not stored: a node of a graph started as its graph is expanded, which waits for no other run, so its request
     * has no results of other runs to carry (and none is looked up, thousands of times in one transaction).
     */
    @jakarta.persistence.Transient
    public boolean needsNoResults;

    /** The session the run belongs to, when it was given one; else its graph's root run, or itself. */
    @Column(name = "session_id")
    public String session;

    /** The outputs of the steps the current attempt finished before it stopped to wait for a person (JSON). */
    @Column(columnDefinition = "text")
    public String progress;

    /** The session whose memory the run shares. */
    public String sessionOrDefault() {
        return session != null ? session : (rootRunId != null ? rootRunId : id).toString();
    }

    /** When the next attempt of a failed run is due; null when none is. */
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    /** When the current attempt runs out of time (maxDurationSeconds); null without a limit or once it ended. */
    public Instant deadline;

    /**
     * Until when the current attempt is known to be carried out: extended by each heartbeat of its executor;
     * null while it does not run or before its first heartbeat.
     */
    @Column(name = "lease_expires_at")
    public Instant leaseExpiresAt;

    /**
     * Since when the run waits for a concurrency slot of its task or tenant (READY); null when it does not.
     * Waiting runs are started oldest first.
     */
    @Column(name = "waiting_since")
    public Instant waitingSince;

    /** The run whose start expanded the graph this run is a node of (itself for the root); null outside graphs. */
    @Column(name = "root_run_id")
    public UUID rootRunId;

    /** The run whose subtask this one is; null for a run that is nobody's subtask. */
    @Column(name = "parent_run_id")
    public UUID parentRunId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** A new run, PENDING, not yet stored: no attempt, no event, no feedback yet. */
    public static ScheduledRun pending(UUID id, String tenant, String task, int version, String definition, String inputs,
            String session, Instant createdAt, Instant updatedAt) {
        ScheduledRun run = new ScheduledRun();
        run.id = id;
        run.tenant = tenant;
        run.taskName = task;
        run.taskVersion = version;
        run.definition = definition;
        run.inputs = inputs;
        run.status = RunStatus.PENDING;
        run.attempt = 0;
        run.seq = 0;
        run.feedback = "[]";
        run.session = session;
        run.createdAt = createdAt;
        run.updatedAt = updatedAt;
        return run;
    }
}
