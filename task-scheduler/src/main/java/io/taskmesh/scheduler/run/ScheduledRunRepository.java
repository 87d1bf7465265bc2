package io.taskmesh.scheduler.run;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class ScheduledRunRepository implements PanacheRepositoryBase<ScheduledRun, UUID> {
}
