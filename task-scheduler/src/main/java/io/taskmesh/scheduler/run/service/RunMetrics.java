package io.taskmesh.scheduler.run.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taskmesh.events.RunStatus;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The scheduler's view of runs for dashboards and alerts: {@code taskmesh_runs_finished_total{status}}, each
 * run counted once when it reaches a final state (a FAILED attempt that will be retried is not final), and
 * {@code taskmesh_trigger_fire_lag_seconds}, how late a time trigger fired after its fire time. Tagged by
 * status only: task names are per tenant and unbounded, the API's statistics answer per task. Created at
 * startup, so every status shows (at 0) before its first run.
 */
@Startup
@ApplicationScoped
public class RunMetrics {

    private final Map<RunStatus, Counter> finished = new EnumMap<>(RunStatus.class);
    private final Timer fireLag;

    public RunMetrics(MeterRegistry registry) {
        for (RunStatus status : RunStatus.values()) {
            if (status.isTerminal()) {
                finished.put(status, Counter.builder("taskmesh.runs.finished").tag("status", status.name())
                        .description("Runs that reached a final state").register(registry));
            }
        }
        fireLag = Timer.builder("taskmesh.trigger.fire.lag").description("Delay between a fire time and its run")
                .publishPercentileHistogram().register(registry);
    }

    public void finished(RunStatus status) {
        Counter counter = finished.get(status);
        if (counter != null) {
            counter.increment();
        }
    }

    public void fired(Duration lag) {
        fireLag.record(lag.isNegative() ? Duration.ZERO : lag);
    }
}
