package io.taskmesh.scheduler.trigger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
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

    /** The tenant's task of that name, as last announced (null when none), in the current session. */
    public static Uni<KnownTask> named(String tenant, String name) {
        return Panache.getSession().chain(session -> session
                .createSelectionQuery("from KnownTask where tenant = :tenant and name = :name", KnownTask.class)
                .setParameter("tenant", tenant).setParameter("name", name).getSingleResultOrNull());
    }
}
