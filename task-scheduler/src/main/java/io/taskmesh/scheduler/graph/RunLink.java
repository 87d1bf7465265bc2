package io.taskmesh.scheduler.graph;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/** A node of a run graph waits for another run: a dependency or one of its subtasks. */
@Entity
@Table(name = "run_link")
@IdClass(RunLink.Key.class)
public class RunLink {

    @Id
    @Column(name = "run_id")
    public UUID runId;

    @Id
    @Column(name = "needs_run_id")
    public UUID needsRunId;

    /** {@code dependency} or {@code subtask} ({@link GraphPlanner.Kind#wire()}). */
    @Column(nullable = false)
    public String kind;

    public static class Key implements Serializable {
        public UUID runId;
        public UUID needsRunId;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(runId, k.runId) && Objects.equals(needsRunId, k.needsRunId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(runId, needsRunId);
        }
    }
}
