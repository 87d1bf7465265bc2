package io.taskmesh.notification.subscription;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class TaskProfiles implements PanacheRepositoryBase<TaskProfile, TaskProfile.Key> {

    public Uni<TaskProfile> find(String tenant, String name) {
        return findById(new TaskProfile.Key(tenant, name));
    }
}
