package io.taskmesh.scheduler.graph;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * The links of run graphs. Queries read statuses and results as columns, from the database, after the session's
 * changes are flushed: never from entities the session may have loaded before another transaction changed them.
 */
@ApplicationScoped
public class RunLinkRepository implements PanacheRepositoryBase<RunLink, RunLink.Key> {

    /** A run that a node needs, as it is now. */
    public record Needed(UUID runId, GraphPlanner.Kind kind, String taskName, RunStatus status, String result) {
    }

    /** A run that waits for a given one. */
    public record Waiting(UUID runId, GraphPlanner.Kind kind) {
    }

    /** What {@code runId} needs, in the order the links were made. */
    public Uni<List<Needed>> needsOf(UUID runId) {
        return Panache.getSession().chain(session -> session.flush().chain(() -> session.createSelectionQuery("""
                        select r.id, l.kind, r.taskName, r.status, r.result from RunLink l join ScheduledRun r on r.id = l.needsRunId
                        where l.runId = :run order by r.createdAt, r.id""", Object[].class)
                .setParameter("run", runId).getResultList()))
                .map(rows -> rows.stream().map(row -> new Needed((UUID) row[0], GraphPlanner.Kind.fromWire((String) row[1]),
                        (String) row[2], (RunStatus) row[3], (String) row[4])).toList());
    }

    /** The runs that wait for {@code runId}. */
    public Uni<List<Waiting>> waitingFor(UUID runId) {
        return Panache.getSession().chain(session -> session.flush().chain(() -> session.createSelectionQuery(
                        "select l.runId, l.kind from RunLink l where l.needsRunId = :run order by l.runId", Object[].class)
                .setParameter("run", runId).getResultList()))
                .map(rows -> rows.stream().map(row -> new Waiting((UUID) row[0], GraphPlanner.Kind.fromWire((String) row[1])))
                        .toList());
    }

    /** The unfinished runs of a subtree: the children of {@code parent}, or every other node of the graph of a root. */
    public Uni<List<UUID>> unfinishedUnder(UUID parent, boolean root) {
        String where = root ? "r.rootRunId = :run and r.id <> :run" : "r.parentRunId = :run";
        return Panache.getSession().chain(session -> session.flush().chain(() -> session.createSelectionQuery(
                        "select r.id from ScheduledRun r where " + where
                                + " and (r.status not in :terminal or r.nextAttemptAt is not null) order by r.createdAt, r.id",
                        UUID.class)
                .setParameter("run", parent)
                .setParameter("terminal", List.of(RunStatus.SUCCEEDED, RunStatus.VALIDATED, RunStatus.FAILED,
                        RunStatus.CANCELLED, RunStatus.TIMED_OUT, RunStatus.SKIPPED))
                .getResultList()));
    }

    /** The root of the graph {@code runId} belongs to, read without loading the run. */
    public Uni<UUID> rootOf(UUID runId) {
        return Panache.getSession().chain(session -> session.createSelectionQuery(
                        "select r.rootRunId from ScheduledRun r where r.id = :run", UUID.class)
                .setParameter("run", runId).getSingleResultOrNull());
    }
}
