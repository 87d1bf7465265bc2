package io.taskmesh.api.run;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** What one attempt of a run reported when it ended: {@code {"steps": {...}, "transcript": [...]}}. */
@Entity
@Table(name = "run_attempt_detail")
public class RunAttemptDetail {

    @Id
    public UUID id;

    @Column(name = "run_id", nullable = false)
    public UUID runId;

    @Column(nullable = false)
    public int attempt;

    @Column(nullable = false, columnDefinition = "text")
    public String details;

    /** One row per (run, attempt), whatever the number of times its report arrives. */
    public static UUID idOf(UUID runId, int attempt) {
        return UUID.nameUUIDFromBytes((runId + "/" + attempt).getBytes(StandardCharsets.UTF_8));
    }
}
