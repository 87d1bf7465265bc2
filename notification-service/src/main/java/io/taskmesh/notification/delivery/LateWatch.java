package io.taskmesh.notification.delivery;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A run a time trigger started, watched until it ends: still going at {@link #lateAt}, it is late. */
@Entity
@Table(name = "late_watch")
public class LateWatch {

    @Id
    @Column(name = "run_id")
    public UUID runId;

    @Column(nullable = false)
    public String tenant;

    @Column(nullable = false)
    public String task;

    /** The trigger's name, as the run's origin gives it ({@code trigger:<name>@<fire time>}). */
    @Column(nullable = false)
    public String trigger;

    @Column(name = "fire_time", nullable = false)
    public Instant fireTime;

    /** The trigger's next fire time after the run's. */
    @Column(name = "late_at", nullable = false)
    public Instant lateAt;
}
