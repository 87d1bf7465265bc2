package io.taskmesh.scheduler.agent;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tenant's agent as last announced; {@code id} is {@code <tenant>/<name>}. */
@Entity
@Table(name = "agent")
public class KnownAgent {

    @Id
    public String id;

    @Column(nullable = false)
    public String tenant;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false, columnDefinition = "text")
    public String definition;

    @Column(name = "is_default", nullable = false)
    public boolean isDefault;

    @Column(name = "changed_at", nullable = false)
    public Instant changedAt;
}
