package io.taskmesh.executor.run;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This executor's load for dashboards and autoscaling: {@code taskmesh_executor_runs_active} (runs executing
 * now), {@code taskmesh_executor_runs_waiting} (requests taken that wait for a slot) and
 * {@code taskmesh_executor_slots} (how many may execute at once). The requests not yet taken are the
 * consumer lag of {@code taskmesh.run-requests}.
 */
@Startup
@ApplicationScoped
public class ExecutorMeters {

    public ExecutorMeters(MeterRegistry registry, RunSlots slots,
            @ConfigProperty(name = "taskmesh.executor.concurrency", defaultValue = "32") int concurrency) {
        Gauge.builder("taskmesh.executor.runs.active", slots, RunSlots::running)
                .description("Runs executing on this executor").register(registry);
        Gauge.builder("taskmesh.executor.runs.waiting", slots, RunSlots::waiting)
                .description("Run requests taken by this executor that wait for a slot").register(registry);
        Gauge.builder("taskmesh.executor.slots", () -> concurrency)
                .description("Runs this executor executes at once").register(registry);
    }
}
