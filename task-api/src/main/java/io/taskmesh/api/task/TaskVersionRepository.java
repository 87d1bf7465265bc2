package io.taskmesh.api.task;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class TaskVersionRepository implements PanacheRepositoryBase<TaskVersion, TaskVersion.Key> {

    public Uni<TaskVersion> findVersion(Task task, int version) {
        return find("taskId = ?1 and version = ?2", task.id, version).firstResult();
    }
}
