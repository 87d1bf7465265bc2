package io.taskmesh.scheduler.run.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunStatus;
import io.taskmesh.platform.reactive.OneAfterAnother;
import io.taskmesh.scheduler.graph.RunGraphs;
import io.taskmesh.scheduler.run.ScheduledRun;
import io.taskmesh.scheduler.run.ScheduledRunRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Concurrency slots: at most {@code limits.maxConcurrentRuns} runs of a task, and at most the tenant's limit of
 * runs of a tenant, are in progress at once. A run takes its slots when its first attempt is queued and holds
 * them until it ends for good: while queued, running, waiting for an answer or a validation, and between the
 * attempts of its retries. A run that finds no free slot of its task follows the task's
 * {@code limits.concurrencyPolicy}: {@code queue} (the default: it stays READY and starts, oldest first, when a
 * slot frees), {@code skip} (it is SKIPPED) or {@code cancel-previous} (the oldest runs in progress are CANCELLED
 * and it starts at once). A run that finds no free slot of its tenant always waits.
 * <p>
 * Slots are counted in the database, never held in memory: a run's slot is released by whatever ends it,
 * including the supervision that fails a run whose executor stopped sending heartbeats. Admissions to one task
 * (and, with a tenant limit, to one tenant) are serialized by transaction-scoped advisory locks, so two
 * consumers or replicas never both take the last slot.
 */
@ApplicationScoped
public class ConcurrencySlots {

    private static final Logger LOG = Logger.getLogger(ConcurrencySlots.class);
    static final List<RunStatus> IN_PROGRESS = List.of(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.AWAITING_INPUT,
            RunStatus.AWAITING_VALIDATION, RunStatus.REVISE);
    private static final String IN_PROGRESS_WHERE = "(status in :inProgress or (status = :failed and nextAttemptAt is not null))";

    /** What a run does when its task has no free slot. */
    public enum Policy {
        QUEUE, SKIP, CANCEL_PREVIOUS;

        static Policy of(JsonNode limits) {
            String policy = limits.path("concurrencyPolicy").asText("queue");
            return valueOf(policy.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** The limits that apply to a run: of its task (null: none) and of its tenant (null: none). */
    record Limits(Integer task, Policy policy, Integer tenant) {
        boolean none() {
            return task == null && tenant == null;
        }
    }

    private final ScheduledRunRepository runs;
    private final RunTransitions transitions;
    private final RunGraphs graphs;
    private final Config config;
    private final Optional<Integer> tenantDefault;
    /** Each tenant's limit, read from the configuration once: a look-up by a name built at run time is slow. */
    private final ConcurrentHashMap<String, Optional<Integer>> tenantLimits = new ConcurrentHashMap<>();

    public ConcurrencySlots(ScheduledRunRepository runs, RunTransitions transitions, RunGraphs graphs, Config config,
            @ConfigProperty(name = "taskmesh.limits.tenant-max-concurrent-runs") Optional<Integer> tenantDefault) {
        this.runs = runs;
        this.transitions = transitions;
        this.graphs = graphs;
        this.config = config;
        this.tenantDefault = tenantDefault;
    }

    Limits limitsOf(ScheduledRun run) {
        JsonNode limits = EventJson.readTree(run.definition).path("limits");
        JsonNode task = limits.path("maxConcurrentRuns");
        Integer tenant = tenantLimits.computeIfAbsent(run.tenant, t -> config.getOptionalValue(
                "taskmesh.tenants." + t + ".max-concurrent-runs", Integer.class).or(() -> tenantDefault)).orElse(null);
        return new Limits(task.isIntegralNumber() ? task.asInt() : null, Policy.of(limits), tenant);
    }

    /** Whether slots are counted for this run at all. */
    public boolean limited(ScheduledRun run) {
        return !limitsOf(run).none();
    }

    /**
     * Queues the first attempt of a run (PENDING or READY) when its task and tenant have a free slot; otherwise
     * follows the task's policy. A run that waits is announced READY (with {@code origin} when this is its first
     * event) with the details {@code {"waitingFor": "concurrency-slot", ...}}.
     */
    /**
     * As {@link #start}, for a run not stored yet, which it stores. Without limits the run is stored once, QUEUED:
     * stored PENDING and then queued, its row and every index on it would be written twice.
     */
    public Uni<Void> startNew(ScheduledRun run, String origin) {
        if (limitsOf(run).none()) {
            return transitions.queueNextAttempt(run, origin).chain(() -> runs.persist(run)).replaceWithVoid();
        }
        return runs.persist(run).chain(() -> start(run, origin));
    }

    public Uni<Void> start(ScheduledRun run, String origin) {
        Limits limits = limitsOf(run);
        if (limits.none()) {
            return transitions.queueNextAttempt(run, origin);
        }
        return lock(run.tenant, run.taskName, limits, true).chain(() -> admit(run, origin, limits)).replaceWithVoid();
    }

    /**
     * Starts the runs that wait for a slot now that some may be free, oldest first: of every tenant with waiting
     * runs; claimed, so once per replica set.
     */
    @WithTransaction
    @WithSpan("ConcurrencySlots.admitWaiting")
    public Uni<Integer> admitWaiting() {
        return Panache.getSession()
                .chain(session -> session.createSelectionQuery(
                        "select distinct tenant from ScheduledRun where waitingSince is not null", String.class).getResultList())
                .chain(tenants -> {
                    Uni<Integer> started = Uni.createFrom().item(0);
                    for (String tenant : tenants) {
                        started = started.chain(n -> admitWaiting(tenant, true).map(m -> n + m));
                    }
                    return started;
                });
    }

    /**
     * As above for one tenant, in the caller's transaction; with {@code block} false, gives up on a task (or the
     * tenant) whose admissions another transaction holds (the supervision comes back to it within a second).
     */
    public Uni<Integer> admitWaiting(String tenant, boolean block) {
        return runs.claim("tenant = ?1 and waitingSince is not null order by waitingSince", tenant).chain(waiting -> {
            // tasks with no free slot (or whose admissions another transaction holds); the tenant's, once it is full
            Set<String> full = new HashSet<>();
            boolean[] tenantFull = {false};
            int[] started = {0};
            return OneAfterAnother.each(waiting, run -> {
                if (tenantFull[0] || full.contains(run.taskName)) {
                    return Uni.createFrom().voidItem();
                }
                Limits limits = limitsOf(run);
                return lock(tenant, run.taskName, limits, block).chain(locked -> !locked
                        ? Uni.createFrom().item(Outcome.TASK_FULL) : admit(run, null, limits))
                        .invoke(outcome -> {
                            switch (outcome) {
                                case STARTED -> started[0]++;
                                case TASK_FULL -> full.add(run.taskName);
                                case TENANT_FULL -> tenantFull[0] = true;
                            }
                        });
            }).map(ignored -> started[0]);
        });
    }

    private enum Outcome { STARTED, TASK_FULL, TENANT_FULL }

    private Uni<Outcome> admit(ScheduledRun run, String origin, Limits limits) {
        return Panache.getSession().chain(session -> session.flush())
                .chain(() -> limits.tenant == null ? Uni.createFrom().item(0L) : inProgress(run.tenant, null))
                .chain(tenantCount -> {
                    if (limits.tenant != null && tenantCount >= limits.tenant) {
                        return waitForSlot(run, origin, "tenant '" + run.tenant + "' has " + tenantCount
                                + " runs in progress, its limit").replaceWith(Outcome.TENANT_FULL);
                    }
                    if (limits.task == null) {
                        return transitions.queueNextAttempt(run, origin).replaceWith(Outcome.STARTED);
                    }
                    return inProgress(run.tenant, run.taskName).chain(taskCount -> {
                        if (taskCount < limits.task) {
                            return transitions.queueNextAttempt(run, origin).replaceWith(Outcome.STARTED);
                        }
                        String why = "task '" + run.taskName + "' has " + taskCount + " runs in progress, its maxConcurrentRuns";
                        return switch (limits.policy) {
                            case QUEUE -> waitForSlot(run, origin, why).replaceWith(Outcome.TASK_FULL);
                            case SKIP -> skip(run, origin, why).replaceWith(Outcome.TASK_FULL);
                            case CANCEL_PREVIOUS -> cancelPrevious(run, origin, (int) (taskCount - limits.task + 1), why);
                        };
                    });
                });
    }

    private Uni<Long> inProgress(String tenant, String task) {
        return Panache.getSession().chain(session -> {
            var query = session.createSelectionQuery("select count(*) from ScheduledRun where tenant = :tenant"
                    + (task == null ? "" : " and taskName = :task") + " and " + IN_PROGRESS_WHERE, Long.class)
                    .setParameter("tenant", tenant).setParameter("inProgress", IN_PROGRESS)
                    .setParameter("failed", RunStatus.FAILED);
            if (task != null) {
                query.setParameter("task", task);
            }
            return query.getSingleResult();
        });
    }

    private Uni<Void> waitForSlot(ScheduledRun run, String origin, String why) {
        if (run.waitingSince != null) {
            return Uni.createFrom().voidItem();
        }
        run.waitingSince = Instant.now();
        ObjectNode details = JsonNodeFactory.instance.objectNode().put("waitingFor", "concurrency-slot").put("reason", why);
        LOG.debugf("run %s waits for a slot: %s", run.id, why);
        return run.status == RunStatus.READY ? Uni.createFrom().voidItem()
                : transitions.announce(run, RunStatus.READY, null, null, origin, null, details);
    }

    private Uni<Void> skip(ScheduledRun run, String origin, String why) {
        RunEvent.RunError error = new RunEvent.RunError("concurrency-limit", why + "; the task's concurrencyPolicy is skip");
        Uni<Void> first = origin == null ? Uni.createFrom().voidItem()
                : transitions.announce(run, RunStatus.READY, null, null, origin);
        return first.chain(() -> transitions.announce(run, RunStatus.SKIPPED, null, error)).chain(() -> graphs.settle(run, error));
    }

    /** Cancels the {@code excess} oldest runs of the task in progress (those no other transaction holds), then starts. */
    private Uni<Outcome> cancelPrevious(ScheduledRun run, String origin, int excess, String why) {
        return Panache.getSession().chain(session -> session
                .createSelectionQuery("from ScheduledRun where tenant = :tenant and taskName = :task and id <> :id and "
                        + IN_PROGRESS_WHERE + " order by createdAt", ScheduledRun.class)
                .setParameter("tenant", run.tenant).setParameter("task", run.taskName).setParameter("id", run.id)
                .setParameter("inProgress", IN_PROGRESS).setParameter("failed", RunStatus.FAILED)
                .setMaxResults(excess).setLockMode(org.hibernate.LockMode.UPGRADE_SKIPLOCKED).getResultList())
                .chain(previous -> {
                    if (previous.size() < excess) {
                        // some are being changed right now: wait, and try again when they are not
                        return waitForSlot(run, origin, why).replaceWith(Outcome.TASK_FULL);
                    }
                    Uni<Void> each = Uni.createFrom().voidItem();
                    for (ScheduledRun old : previous) {
                        RunEvent.RunError error = new RunEvent.RunError("cancelled",
                                "cancelled by run " + run.id + ": the task's concurrencyPolicy is cancel-previous");
                        each = each.chain(() -> transitions.announce(old, RunStatus.CANCELLED, null, error))
                                .chain(() -> graphs.settle(old, error));
                    }
                    return each.chain(() -> transitions.queueNextAttempt(run, origin)).replaceWith(Outcome.STARTED);
                });
    }

    /**
     * Takes the advisory locks that serialize admissions: the tenant's when it has a limit, then the task's when
     * it has one (always in this order).
     */
    private Uni<Boolean> lock(String tenant, String task, Limits limits, boolean block) {
        Uni<Boolean> tenantLock = limits.tenant == null ? Uni.createFrom().item(true) : advisoryLock("tenant/" + tenant, block);
        return tenantLock.chain(locked -> !locked || limits.task == null ? Uni.createFrom().item(locked)
                : advisoryLock("task/" + tenant + "/" + task, block));
    }

    private static Uni<Boolean> advisoryLock(String key, boolean block) {
        String sql = block ? "select count(*) > 0 from (select pg_advisory_xact_lock(hashtextextended(?1, 0))) l"
                : "select pg_try_advisory_xact_lock(hashtextextended(?1, 0))";
        return Panache.getSession().chain(session -> session.createNativeQuery(sql, Boolean.class)
                .setParameter(1, "taskmesh.slots/" + key).getSingleResult());
    }
}
