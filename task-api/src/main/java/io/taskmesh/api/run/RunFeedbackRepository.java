package io.taskmesh.api.run;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class RunFeedbackRepository implements PanacheRepositoryBase<RunFeedback, UUID> {

    public Uni<List<RunFeedback>> history(UUID runId) {
        return list("runId = ?1 order by createdAt", runId);
    }

    /** Feedback on attempts before {@code attempt} has been taken into account once that attempt runs. */
    public Uni<Integer> markProcessed(UUID runId, int attempt) {
        return update("status = ?1 where runId = ?2 and status = ?3 and attempt < ?4",
                RunFeedback.Status.PROCESSED, runId, RunFeedback.Status.PENDING, attempt);
    }
}
