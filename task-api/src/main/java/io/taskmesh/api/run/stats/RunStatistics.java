package io.taskmesh.api.run.stats;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.taskmesh.api.task.TaskRepository;
import io.taskmesh.events.RunStatus;
import io.taskmesh.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Usage of one task over a time window, computed in the database from the run read model. */
@ApplicationScoped
public class RunStatistics {

    /** Durations from start to finish of the finished runs, in milliseconds. */
    public record Durations(Double p50, Double p90, Double p99, Double max) {
    }

    public record Stats(String task, Instant from, Instant to, long total, Map<RunStatus, Long> byStatus,
            Double successRate, Durations durationMs) {
    }

    private static final String BY_STATUS = """
            SELECT status, count(*) FROM {h-schema}run
            WHERE tenant = :tenant AND task_name = :task AND created_at >= :from AND created_at < :to
            GROUP BY status""";

    private static final String DURATIONS = """
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d), percentile_cont(0.9) WITHIN GROUP (ORDER BY d),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY d), max(d)
            FROM (SELECT extract(epoch FROM finished_at - started_at) * 1000 AS d FROM {h-schema}run
                  WHERE tenant = :tenant AND task_name = :task AND created_at >= :from AND created_at < :to
                    AND started_at IS NOT NULL AND finished_at IS NOT NULL) finished""";

    private final TaskRepository tasks;

    public RunStatistics(TaskRepository tasks) {
        this.tasks = tasks;
    }

    @WithSession
    public Uni<Stats> of(String tenant, String task, Instant from, Instant to) {
        return tasks.findByName(tenant, task).invoke(found -> {
            if (found == null) {
                throw ProblemException.notFound("task '" + task + "'");
            }
        }).chain(() -> Panache.getSession()).chain(session -> session.createNativeQuery(BY_STATUS, Object[].class)
                .setParameter("tenant", tenant).setParameter("task", task)
                .setParameter("from", from).setParameter("to", to).getResultList()
                .chain(counts -> session.createNativeQuery(DURATIONS, Object[].class)
                        .setParameter("tenant", tenant).setParameter("task", task)
                        .setParameter("from", from).setParameter("to", to).getSingleResult()
                        .map(durations -> stats(task, from, to, counts, durations))));
    }

    private static Stats stats(String task, Instant from, Instant to, List<Object[]> counts, Object[] durations) {
        Map<RunStatus, Long> byStatus = new TreeMap<>();
        long total = 0;
        long successful = 0;
        long finished = 0;
        for (Object[] row : counts) {
            RunStatus status = RunStatus.valueOf((String) row[0]);
            long count = ((Number) row[1]).longValue();
            byStatus.put(status, count);
            total += count;
            if (status.isTerminal()) {
                finished += count;
            }
            if (status.isSuccessful()) {
                successful += count;
            }
        }
        return new Stats(task, from, to, total, byStatus, finished == 0 ? null : (double) successful / finished,
                new Durations(number(durations[0]), number(durations[1]), number(durations[2]), number(durations[3])));
    }

    private static Double number(Object value) {
        return value == null ? null : ((Number) value).doubleValue();
    }
}
