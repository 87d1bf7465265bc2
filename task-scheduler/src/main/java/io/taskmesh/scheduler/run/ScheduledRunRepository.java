package io.taskmesh.scheduler.run;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.UUID;
import org.hibernate.LockMode;

@ApplicationScoped
public class ScheduledRunRepository implements PanacheRepositoryBase<ScheduledRun, UUID> {

    static final int CLAIM_BATCH = 200;

    /**
     * Locks and returns up to {@value #CLAIM_BATCH} runs matching {@code where}, skipping rows another
     * replica holds: each piece of supervision work is done by one replica, in the caller's transaction.
     */
    public Uni<List<ScheduledRun>> claim(String where, Object... params) {
        return Panache.getSession().chain(session -> {
            var query = session.createSelectionQuery("from ScheduledRun where " + where, ScheduledRun.class);
            for (int i = 0; i < params.length; i++) {
                query.setParameter(i + 1, params[i]);
            }
            return query.setMaxResults(CLAIM_BATCH).setLockMode(LockMode.UPGRADE_SKIPLOCKED).getResultList();
        });
    }

    /**
     * The run, locked until the caller's transaction ends: the events, commands and supervision of one run
     * are applied one after the other, whichever consumer, thread or replica handles them.
     */
    public Uni<ScheduledRun> lock(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }
}
