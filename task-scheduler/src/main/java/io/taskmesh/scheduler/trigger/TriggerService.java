package io.taskmesh.scheduler.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.taskmesh.platform.reactive.OneAfterAnother;
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
                .chain(() -> eventTriggers.reconcile(session, task, change.definition()))
                // run commands that came before the definition start now
                .chain(() -> runs.startWaiting(task));
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

    /**
     * Fires every due trigger; returns the number of runs created. A claimed batch costs a few round trips to the
     * database whatever its size: its fire times are recorded in one statement, its tasks read in one query, and
     * its runs and their events written in JDBC batches when the transaction flushes.
     */
    @WithTransaction
    @WithSpan("TriggerService.fireDue")
    public Uni<Fired> fireDue(Instant now) {
        return Panache.getSession().chain(session -> session
                .createSelectionQuery("from TimeTrigger where nextFireAt <= :now order by nextFireAt", TimeTrigger.class)
                .setParameter("now", now).setMaxResults(CLAIM_BATCH).setLockMode(LockMode.UPGRADE_SKIPLOCKED)
                .getResultList()
                .chain(due -> {
                    if (due.isEmpty()) {
                        return Uni.createFrom().item(new Fired(0, 0));
                    }
                    List<FireTime> fireTimes = new ArrayList<>();
                    int misfired = 0;
                    for (TimeTrigger trigger : due) {
                        Instant dueAt = trigger.nextFireAt;
                        List<FireTime> times = advance(trigger, now);
                        fireTimes.addAll(times);
                        if (times.size() != 1 || !times.getFirst().at().equals(dueAt)) {
                            misfired++;
                            LOG.debugf("trigger %s of task %s missed fire times since %s; misfire policy runs %d",
                                    trigger.id, trigger.taskId, dueAt, times.size());
                        }
                    }
                    if (misfired > 0) {
                        LOG.infof("%d of %d due triggers missed fire times (more than %s late); each ran what its"
                                + " misfire policy says", misfired, due.size(), TriggerSpec.MISFIRE_THRESHOLD);
                    }
                    return record(session, fireTimes, now).chain(recorded -> tasksOf(session, due).chain(tasks -> {
                        java.util.Map<String, JsonNode> definitions = new java.util.HashMap<>();
                        List<FireTime> toCreate = fireTimes.stream().filter(f -> tasks.containsKey(f.trigger().taskId)
                                && recorded.contains(f.runId())).toList();
                        return OneAfterAnother.each(toCreate, f -> {
                            KnownTask task = tasks.get(f.trigger().taskId);
                            metrics.fired(Duration.between(f.at(), now));
                            JsonNode definition = definitions.computeIfAbsent(task.taskId + "@" + task.version,
                                    k -> EventJson.readTree(task.definition));
                            return runs.createNew(task.tenant, task.name, task.version, definition.deepCopy(),
                                    f.spec().inputs(), f.runId(),
                                    "trigger:" + f.spec().name(f.trigger().position) + "@" + f.at());
                        }).replaceWith(() -> new Fired(due.size(), toCreate.size()));
                    }));
                }));
    }

    /** A claimed batch: how many due triggers it held, and how many runs they created. */
    public record Fired(int claimed, int created) {
        /** A full batch: more may be due. */
        public boolean full() {
            return claimed >= CLAIM_BATCH;
        }
    }

    /** A fire time of a trigger, and the id its run gets (the same on every replica). */
    private record FireTime(TimeTrigger trigger, TriggerSpec spec, Instant at, UUID runId) {
    }

    /** The fire times of a due trigger that its misfire policy runs now; moves it to its next fire time. */
    private static List<FireTime> advance(TimeTrigger trigger, Instant now) {
        TriggerSpec spec = new TriggerSpec(EventJson.readTree(trigger.spec));
        List<Instant> fireTimes = spec.toFire(trigger.nextFireAt, now);
        Instant last = trigger.nextFireAt;
        Instant next = spec.nextAfter(last.isAfter(now) ? last : now);
        if (next != null && !next.isAfter(last)) {
            next = spec.nextAfter(last);
        }
        trigger.nextFireAt = next;
        return fireTimes.stream().map(at -> new FireTime(trigger, spec, at,
                UUID.nameUUIDFromBytes((trigger.id + "@" + at).getBytes(StandardCharsets.UTF_8)))).toList();
    }

    /**
     * Records the fire times under their primary key, all in one statement; returns the run ids of those recorded
     * now: one another replica recorded first is not fired again.
     */
    private static Uni<Set<UUID>> record(org.hibernate.reactive.mutiny.Mutiny.Session session, List<FireTime> fireTimes,
            Instant now) {
        if (fireTimes.isEmpty()) {
            return Uni.createFrom().item(Set.<UUID>of());
        }
        UUID[] triggers = fireTimes.stream().map(f -> f.trigger().id).toArray(UUID[]::new);
        // as text: the driver binds no array of timestamps
        String[] times = fireTimes.stream().map(f -> f.at().toString()).toArray(String[]::new);
        UUID[] runIds = fireTimes.stream().map(FireTime::runId).toArray(UUID[]::new);
        return session.createNativeQuery("""
                        INSERT INTO {h-schema}trigger_fire (trigger_id, fire_time, run_id, fired_at)
                        SELECT t, f, r, :now FROM unnest(CAST(:triggers AS uuid[]), CAST(CAST(:times AS text[]) AS timestamptz[]), CAST(:runs AS uuid[])) AS x(t, f, r)
                        ON CONFLICT DO NOTHING RETURNING run_id""", UUID.class)
                .setParameter("triggers", triggers).setParameter("times", times).setParameter("runs", runIds)
                .setParameter("now", now)
                .getResultList()
                .map(HashSet::new);
    }

    private static Uni<java.util.Map<UUID, KnownTask>> tasksOf(org.hibernate.reactive.mutiny.Mutiny.Session session,
            List<TimeTrigger> due) {
        Set<UUID> ids = new HashSet<>();
        due.forEach(t -> ids.add(t.taskId));
        return session.createSelectionQuery("from KnownTask where taskId in :ids", KnownTask.class)
                .setParameter("ids", ids).getResultList()
                .map(tasks -> {
                    java.util.Map<UUID, KnownTask> byId = new java.util.HashMap<>();
                    tasks.forEach(t -> byId.put(t.taskId, t));
                    return byId;
                });
    }
}
