package io.taskmesh.api.task;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class TaskVersionRepository implements PanacheRepositoryBase<TaskVersion, TaskVersion.Key> {

    public Uni<TaskVersion> findVersion(Task task, int version) {
        return find("taskId = ?1 and version = ?2", task.id, version).firstResult();
    }

    public Uni<List<TaskVersion>> listFor(Task task) {
        return list("taskId = ?1 order by version desc", task.id);
    }
}
