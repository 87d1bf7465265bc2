package io.taskmesh.api.task;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class TaskRepository implements PanacheRepositoryBase<Task, UUID> {

    public Uni<Task> findByName(String tenant, String name) {
        return find("tenant = ?1 and name = ?2", tenant, name).firstResult();
    }

    public Uni<List<Task>> listVisible(String tenant) {
        return list("tenant = ?1 and state <> ?2 order by name", tenant, TaskState.ARCHIVED);
    }
}
