package io.taskmesh.api.run;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class RunAttemptDetailRepository implements PanacheRepositoryBase<RunAttemptDetail, UUID> {

    /** The report of the run's latest attempt that made one, or null. */
    public Uni<RunAttemptDetail> latest(UUID runId) {
        return find("runId = ?1 order by attempt desc", runId).firstResult();
    }

    /**
     * Stores an attempt's latest report: an attempt that stopped on a question reports again when it ends.
     * The projection calls this only for events newer than the run's last, so the latest report wins.
     */
    public Uni<Void> record(UUID runId, int attempt, String details) {
        UUID id = RunAttemptDetail.idOf(runId, attempt);
        return findById(id).chain(existing -> {
            if (existing != null) {
                existing.details = details;
                return Uni.createFrom().voidItem();
            }
            RunAttemptDetail detail = new RunAttemptDetail();
            detail.details = details;
            detail.id = id;
            detail.runId = runId;
            detail.attempt = attempt;
            return persist(detail).replaceWithVoid();
        });
    }
}
