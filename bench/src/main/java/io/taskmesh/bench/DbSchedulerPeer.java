package io.taskmesh.bench;

import com.github.kagkarlsson.scheduler.CurrentlyExecuting;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The peer: the same one-step no-op job on db-scheduler, a persistent scheduler on PostgreSQL, run inside
 * the benchmark's JVM against the platform's PostgreSQL (schema {@code taskmesh_bench}). A run is scheduled
 * for now; it started when db-scheduler picked it (its row committed as picked), it finished once its
 * completion is committed (the row deleted).
 *
 * <p>Settings: the executor threads are {@code --peer-threads} (the platform's executor runs eight at once);
 * immediate execution, so that a run scheduled by this instance starts at once rather than at the next
 * poll, as the platform's runs do; lock-and-fetch polling, db-scheduler's advice for PostgreSQL at high
 * throughput; polling every second for what immediate execution does not pick.
 */
final class DbSchedulerPeer implements AutoCloseable {

    private static final String TABLE = MachineLimits.SCHEMA + ".scheduled_tasks";

    private final HikariDataSource dataSource;
    private final OneTimeTask<Void> task;
    private final Scheduler scheduler;
    private volatile Tracker tracker;

    DbSchedulerPeer(Endpoints endpoints, int threads) throws Exception {
        createTable(endpoints);
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(endpoints.jdbcUrl() + "?currentSchema=" + MachineLimits.SCHEMA);
        pool.setUsername(endpoints.dbUser());
        pool.setPassword(endpoints.dbPassword());
        pool.setMaximumPoolSize(threads + 4);
        pool.setPoolName("db-scheduler");
        dataSource = new HikariDataSource(pool);
        task = Tasks.oneTime(TaskmeshApi.TASK).execute((instance, context) -> {
            // the job does nothing: what is measured is the scheduler around it
        });
        scheduler = Scheduler.create(dataSource, task)
                .threads(threads)
                .enableImmediateExecution()
                .pollUsingLockAndFetch(0.5, 1.0)
                .pollingInterval(Duration.ofSeconds(1))
                .heartbeatInterval(Duration.ofSeconds(30))
                .addSchedulerListener(new AbstractSchedulerListener() {
                    @Override
                    public void onExecutionStart(CurrentlyExecuting execution) {
                        Tracker target = tracker;
                        if (target != null) {
                            target.started(execution.getTaskInstance().getId(), System.nanoTime());
                        }
                    }

                    @Override
                    public void onExecutionComplete(ExecutionComplete complete) {
                        Tracker target = tracker;
                        if (target != null) {
                            target.finished(complete.getExecution().taskInstance.getId(), System.nanoTime(),
                                    complete.getResult() == ExecutionComplete.Result.OK);
                        }
                    }
                })
                .build();
        scheduler.start();
    }

    /** The table db-scheduler expects on PostgreSQL, emptied of earlier benchmarks' leftovers. */
    private static void createTable(Endpoints endpoints) throws Exception {
        try (Connection c = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword());
                Statement s = c.createStatement()) {
            s.execute("create schema if not exists " + MachineLimits.SCHEMA);
            s.execute("create table if not exists " + TABLE + " ("
                    + "task_name text not null, task_instance text not null, task_data bytea,"
                    + " execution_time timestamptz not null, picked boolean not null, picked_by text,"
                    + " last_success timestamptz, last_failure timestamptz, consecutive_failures int,"
                    + " last_heartbeat timestamptz, version bigint not null, priority smallint,"
                    + " primary key (task_name, task_instance))");
            s.execute("create index if not exists scheduled_tasks_execution_time on " + TABLE + " (execution_time)");
            s.execute("create index if not exists scheduled_tasks_last_heartbeat on " + TABLE + " (last_heartbeat)");
            s.execute("create index if not exists scheduled_tasks_priority on " + TABLE + " (priority desc, execution_time asc)");
            s.execute("truncate " + TABLE);
        }
    }

    /** From now on, starts and completions go to {@code phase}'s tracker. */
    void follow(Tracker phase) {
        tracker = phase;
    }

    /** Schedules one execution for now; the call returns once its row is committed. */
    Load.Starter starter() {
        return sent -> {
            Tracker target = tracker;
            String id = UUID.randomUUID().toString();
            target.track(id, sent);
            try {
                scheduler.schedule(task.instance(id), Instant.now());
                target.accepted(sent, System.nanoTime());
            } catch (RuntimeException e) {
                target.refused(id, sent, e);
            }
        };
    }

    @Override
    public void close() {
        scheduler.stop();
        dataSource.close();
    }
}
