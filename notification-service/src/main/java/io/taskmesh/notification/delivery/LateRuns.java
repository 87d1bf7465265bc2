package io.taskmesh.notification.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.notification.subscription.TaskProfile;
import io.taskmesh.notification.subscription.TaskProfiles;
import io.taskmesh.notification.subscription.rest.NewSubscription;
import io.taskmesh.platform.reactive.OneAfterAnother;
import io.taskmesh.platform.schedule.TriggerSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.LockMode;

/**
 * Runs late against their schedule: a run a time trigger started ({@code origin} {@code trigger:<name>@<fire
 * time>}) that has not ended when its trigger fires next is late, and the subscriptions that ask for
 * {@code RUN_LATE} are told once (event {@code io.taskmesh.run.late.v1}). Watches are stored, so a restart
 * loses none; they are claimed with {@code FOR UPDATE SKIP LOCKED}, so replicas tell each late run once.
 */
@ApplicationScoped
public class LateRuns {

    public static final String RUN_LATE_TYPE = "io.taskmesh.run.late.v1";
    private static final int CLAIM_BATCH = 200;

    private final RunEventNotifier notifier;
    private final String apiBaseUrl;

    public LateRuns(RunEventNotifier notifier,
            @ConfigProperty(name = "taskmesh.api.base-url", defaultValue = "http://127.0.0.1:8080") String apiBaseUrl) {
        this.notifier = notifier;
        this.apiBaseUrl = apiBaseUrl;
    }

    /** Whether a run event starts or stops a watch: a run's end, or the first event of a run a trigger started. */
    static boolean concerns(RunEvent event) {
        return event.status().isTerminal() || (event.origin() != null && event.origin().startsWith("trigger:"));
    }

    /**
     * In the transaction that handles a run event: the first event of a run a time trigger started starts its
     * watch (when the task's trigger has a next fire time); the run's end stops it.
     */
    Uni<Void> observe(RunEvent event, TaskProfiles profiles) {
        UUID runId = UUID.fromString(event.runId());
        if (event.status().isTerminal()) {
            return Panache.getSession().chain(session -> session.createMutationQuery("delete from LateWatch where runId = :run")
                    .setParameter("run", runId).executeUpdate()).replaceWithVoid();
        }
        if (event.origin() == null || !event.origin().startsWith("trigger:") || !event.origin().contains("@")) {
            return Uni.createFrom().voidItem();
        }
        return profiles.find(event.tenant(), event.task())
                .chain(task -> task == null ? Uni.createFrom().voidItem() : watch(event, runId, task));
    }

    private Uni<Void> watch(RunEvent event, UUID runId, TaskProfile task) {
        String origin = event.origin().substring("trigger:".length());
        String name = origin.substring(0, origin.lastIndexOf('@'));
        Instant fireTime;
        try {
            fireTime = Instant.parse(origin.substring(origin.lastIndexOf('@') + 1));
        } catch (DateTimeParseException e) {
            return Uni.createFrom().voidItem();
        }
        JsonNode triggers = EventJson.readTree(task.triggers);
        for (int i = 0; i < triggers.size(); i++) {
            if (!TriggerSpec.isTimeTrigger(triggers.get(i))) {
                continue;
            }
            TriggerSpec spec = new TriggerSpec(triggers.get(i));
            if (spec.name(i).equals(name)) {
                Instant next = spec.nextAfter(fireTime);
                if (next == null) {
                    return Uni.createFrom().voidItem();
                }
                LateWatch watch = new LateWatch();
                watch.runId = runId;
                watch.tenant = event.tenant();
                watch.task = event.task();
                watch.trigger = name;
                watch.fireTime = fireTime;
                watch.lateAt = next;
                return Panache.getSession().chain(session -> session.find(LateWatch.class, runId)
                        .chain(existing -> existing != null ? Uni.createFrom().voidItem()
                                : session.persist(watch)));
            }
        }
        return Uni.createFrom().voidItem();
    }

    @Scheduled(every = "${taskmesh.late-runs.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> tellLate() {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session
                .createSelectionQuery("from LateWatch where lateAt <= :now order by lateAt", LateWatch.class)
                .setParameter("now", Instant.now()).setMaxResults(CLAIM_BATCH).setLockMode(LockMode.UPGRADE_SKIPLOCKED)
                .getResultList()
                .chain(late -> OneAfterAnother.each(late, watch -> tell(watch).chain(() -> session.remove(watch))))));
    }

    private Uni<Void> tell(LateWatch watch) {
        String eventId = "late:" + watch.runId;
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", RUN_LATE_TYPE);
        body.put("id", eventId);
        body.put("timestamp", watch.lateAt.toString());
        ObjectNode data = body.putObject("data");
        data.put("runId", watch.runId.toString());
        data.put("task", watch.task);
        data.put("status", "LATE");
        data.put("trigger", watch.trigger);
        data.put("fireTime", watch.fireTime.toString());
        data.put("nextFireTime", watch.lateAt.toString());
        data.put("link", apiBaseUrl + "/api/v1/runs/" + watch.runId);
        return notifier.matching(watch.tenant, watch.task, (s, task) -> s.statusSet().contains(NewSubscription.RUN_LATE))
                .chain(matching -> notifier.queueAll(matching, eventId, RUN_LATE_TYPE, watch.runId, body.toString()));
    }
}
