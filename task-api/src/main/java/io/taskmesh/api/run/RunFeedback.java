package io.taskmesh.api.run;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** Feedback on a run's result; PROCESSED once a later attempt has run with it. */
@Entity
@Table(name = "run_feedback")
public class RunFeedback {

    public enum Status { PENDING, PROCESSED }

    @Id
    public UUID id;

    @Column(name = "run_id", nullable = false)
    public UUID runId;

    @Column(nullable = false, columnDefinition = "text")
    public String content;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    /** The attempt whose result the feedback is about. */
    @Column(nullable = false)
    public int attempt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;
}
