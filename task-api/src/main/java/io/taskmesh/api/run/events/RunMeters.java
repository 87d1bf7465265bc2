package io.taskmesh.api.run.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.taskmesh.api.run.Run;
import io.taskmesh.events.RunStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs per task for dashboards, counted where the read model applies their events (once per change, after
 * it is stored): {@code taskmesh_task_runs_started_total} (first RUNNING), {@code taskmesh_task_runs_finished_total}
 * by final status, {@code taskmesh_task_run_start_latency_seconds} (created → first RUNNING) and
 * {@code taskmesh_task_run_duration_seconds} (first RUNNING → final status), both histograms with fixed
 * buckets. Tagged by tenant and task; the scheduler's {@code taskmesh_runs_finished_total} counts by status alone.
 */
@ApplicationScoped
public class RunMeters {

    private static final Duration[] BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1)};

    private final MeterRegistry registry;

    public RunMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts what {@code event} changed of {@code run}, which the read model has just stored. */
    void changed(Run run, RunStatus status, Instant at) {
        Tags tags = Tags.of("tenant", run.tenant, "task", run.taskName);
        if (status == RunStatus.RUNNING && at.equals(run.startedAt)) {
            Counter.builder("taskmesh.task.runs.started").description("Runs that started").tags(tags)
                    .register(registry).increment();
            timer("taskmesh.task.run.start.latency", "From a run's creation to its first RUNNING", tags)
                    .record(positive(Duration.between(run.createdAt, at)));
        }
        if (status.isTerminal()) {
            Tags finished = tags.and("status", status.name());
            Counter.builder("taskmesh.task.runs.finished").description("Runs that reached a final state")
                    .tags(finished).register(registry).increment();
            if (run.startedAt != null) {
                timer("taskmesh.task.run.duration", "From a run's first RUNNING to its final state", finished)
                        .record(positive(Duration.between(run.startedAt, at)));
            }
        }
    }

    private Timer timer(String name, String description, Tags tags) {
        return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
