package io.taskmesh.scheduler.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.TaskDefinitionChanged;
import io.taskmesh.platform.schedule.TriggerSpec;
import io.taskmesh.scheduler.run.service.RunMetrics;
import io.taskmesh.scheduler.run.service.RunScheduler;
import io.taskmesh.scheduler.trigger.event.EventTriggerService;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hibernate.LockMode;
import org.jboss.logging.Logger;

/**
 * Keeps the triggers of active tasks (event triggers through {@link EventTriggerService}) and fires the time
 * triggers. Next fire times are stored, never only held in memory; due triggers are claimed with
 * {@code FOR UPDATE SKIP LOCKED} and every (trigger, fire time) is recorded under a primary key, so several
 * scheduler replicas fire each fire time exactly once.
 */
@ApplicationScoped
public class TriggerService {

    private static final Logger LOG = Logger.getLogger(TriggerService.class);
    static final int CLAIM_BATCH = 500;

    private final RunScheduler runs;
    private final RunMetrics metrics;
    private final EventTriggerService eventTriggers;

    public TriggerService(RunScheduler runs, RunMetrics metrics, EventTriggerService eventTriggers) {
        this.runs = runs;
        this.metrics = metrics;
        this.eventTriggers = eventTriggers;
    }

    /**
     * Applies a task's new definition: its triggers from the next fire time on; none while it is inactive
     * or archived (paused: fire times missed meanwhile are not made up for on reactivation).
     */
    @WithTransaction
    @WithSpan("TriggerService.apply")
    public Uni<Void> apply(TaskDefinitionChanged change) {
        UUID taskId = UUID.fromString(change.taskId());
        return Panache.getSession().chain(session -> session.find(KnownTask.class, taskId).chain(known -> {
            if (known != null && (known.version > change.version()
                    || (known.version == change.version() && known.changedAt.isAfter(change.changedAt())))) {
                return Uni.createFrom().voidItem();
            }
            return (known != null ? Uni.createFrom().item(true) : replaceNamesake(session, change, taskId))
                    .chain(newest -> newest ? store(session, known, taskId, change) : Uni.createFrom().voidItem());
        }));
    }

    /**
     * A name belongs to one task of a tenant. Should another task id hold it (a task store rebuilt from
     * scratch announces the same names under new ids), the newer announcement wins and the older task goes
     * with its triggers; an older announcement changes nothing.
     */
    private Uni<Boolean> replaceNamesake(org.hibernate.reactive.mutiny.Mutiny.Session session, TaskDefinitionChanged change,
            UUID taskId) {
        return session.createSelectionQuery("from KnownTask where tenant = :tenant and name = :name and taskId <> :id",
                        KnownTask.class)
                .setParameter("tenant", change.tenant()).setParameter("name", change.name()).setParameter("id", taskId)
                .getSingleResultOrNull().chain(namesake -> {
                    if (namesake == null) {
                        return Uni.createFrom().item(true);
                    }
                    if (namesake.changedAt.isAfter(change.changedAt())) {
                        return Uni.createFrom().item(false);
                    }
                    return session.createMutationQuery("delete from TimeTrigger where taskId = :task")
                            .setParameter("task", namesake.taskId).executeUpdate()
                            .chain(() -> eventTriggers.removeOf(session, namesake.taskId))
                            .chain(() -> session.remove(namesake)).chain(session::flush).replaceWith(true);
                });
    }

    private Uni<Void> store(org.hibernate.reactive.mutiny.Mutiny.Session session, KnownTask known, UUID taskId,
            TaskDefinitionChanged change) {
        KnownTask task = known != null ? known : new KnownTask();
        task.taskId = taskId;
        task.tenant = change.tenant();
        task.name = change.name();
        task.version = change.version();
        task.state = change.state();
        task.definition = change.definition().toString();
        task.changedAt = change.changedAt();
        Uni<Void> stored = known != null ? Uni.createFrom().voidItem() : session.persist(task);
        return stored.chain(session::flush).chain(() -> reconcile(session, task, change.definition()))
                .chain(() -> eventTriggers.reconcile(session, task, change.definition()));
    }

    private Uni<Void> reconcile(org.hibernate.reactive.mutiny.Mutiny.Session session, KnownTask task, JsonNode definition) {
        List<TimeTrigger> wanted = new ArrayList<>();
        if ("active".equals(task.state)) {
            JsonNode triggers = definition.path("triggers");
            for (int i = 0; i < triggers.size(); i++) {
                if (TriggerSpec.isTimeTrigger(triggers.get(i))) {
                    TimeTrigger t = new TimeTrigger();
                    t.taskId = task.taskId;
                    t.position = i;
                    t.spec = triggers.get(i).toString();
                    t.id = UUID.nameUUIDFromBytes((task.taskId + "/" + i + "/" + t.spec).getBytes(StandardCharsets.UTF_8));
                    wanted.add(t);
                }
            }
        }
        Set<UUID> wantedIds = new HashSet<>();
        wanted.forEach(t -> wantedIds.add(t.id));
        return session.createSelectionQuery("from TimeTrigger where taskId = :task", TimeTrigger.class)
                .setParameter("task", task.taskId).getResultList().chain(existing -> {
                    Set<UUID> kept = new HashSet<>();
                    Uni<Void> work = Uni.createFrom().voidItem();
                    for (TimeTrigger old : existing) {
                        if (wantedIds.contains(old.id)) {
                            kept.add(old.id);
                        } else {
                            work = work.chain(() -> session.remove(old));
                        }
                    }
                    Instant now = Instant.now();
                    for (TimeTrigger t : wanted) {
                        if (!kept.contains(t.id)) {
                            t.createdAt = now;
                            t.nextFireAt = new TriggerSpec(EventJson.readTree(t.spec)).nextAfter(now);
                            work = work.chain(() -> session.persist(t));
                        }
                    }
                    return work;
                });
    }

    /** Fires every due trigger; returns the number of runs created. */
    @WithTransaction
    @WithSpan("TriggerService.fireDue")
    public Uni<Integer> fireDue(Instant now) {
        return Panache.getSession().chain(session -> session
                .createSelectionQuery("from TimeTrigger where nextFireAt <= :now order by nextFireAt", TimeTrigger.class)
                .setParameter("now", now).setMaxResults(CLAIM_BATCH).setLockMode(LockMode.UPGRADE_SKIPLOCKED)
                .getResultList()
                .chain(due -> {
                    Uni<Integer> created = Uni.createFrom().item(0);
                    for (TimeTrigger trigger : due) {
                        created = created.chain(count -> fire(session, trigger, now).map(n -> count + n));
                    }
                    return created;
                }));
    }

    private Uni<Integer> fire(org.hibernate.reactive.mutiny.Mutiny.Session session, TimeTrigger trigger, Instant now) {
        TriggerSpec spec = new TriggerSpec(EventJson.readTree(trigger.spec));
        List<Instant> fireTimes = spec.toFire(trigger.nextFireAt, now);
        Instant last = trigger.nextFireAt;
        Instant next = spec.nextAfter(last.isAfter(now) ? last : now);
        if (next != null && !next.isAfter(last)) {
            next = spec.nextAfter(last);
        }
        trigger.nextFireAt = next;
        if (fireTimes.size() != 1 || !fireTimes.getFirst().equals(last)) {
            LOG.infof("trigger %s of task %s missed fire times since %s; misfire policy runs %d", trigger.id,
                    trigger.taskId, last, fireTimes.size());
        }
        return session.find(KnownTask.class, trigger.taskId).chain(task -> {
            Uni<Integer> created = Uni.createFrom().item(0);
            for (Instant fireTime : fireTimes) {
                created = created.chain(count -> fireOnce(session, task, trigger, spec, fireTime, now)
                        .map(fired -> fired ? count + 1 : count));
            }
            return created;
        });
    }

    /** One fire time: recorded under its primary key first, so a second replica's attempt changes nothing. */
    private Uni<Boolean> fireOnce(org.hibernate.reactive.mutiny.Mutiny.Session session, KnownTask task,
            TimeTrigger trigger, TriggerSpec spec, Instant fireTime, Instant now) {
        UUID runId = UUID.nameUUIDFromBytes((trigger.id + "@" + fireTime).getBytes(StandardCharsets.UTF_8));
        return session.createNativeQuery("""
                        INSERT INTO {h-schema}trigger_fire (trigger_id, fire_time, run_id, fired_at)
                        VALUES (:trigger, :fireTime, :run, :now) ON CONFLICT DO NOTHING""")
                .setParameter("trigger", trigger.id).setParameter("fireTime", fireTime)
                .setParameter("run", runId).setParameter("now", now)
                .executeUpdate()
                .invoke(inserted -> {
                    if (inserted > 0) {
                        metrics.fired(Duration.between(fireTime, now));
                    }
                })
                .chain(inserted -> inserted == 0 ? Uni.createFrom().item(false)
                        : runs.create(task.tenant, task.name, task.version, EventJson.readTree(task.definition),
                                spec.inputs(), runId, "trigger:" + spec.name(trigger.position) + "@" + fireTime));
    }
}
