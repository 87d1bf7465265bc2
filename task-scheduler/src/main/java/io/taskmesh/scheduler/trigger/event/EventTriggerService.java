package io.taskmesh.scheduler.trigger.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.platform.expression.Expressions;
import io.taskmesh.scheduler.run.service.RunScheduler;
import io.taskmesh.scheduler.trigger.KnownTask;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * Keeps the event triggers of active tasks and fires them. Each (trigger, event) is recorded under a primary
 * key before its run is created, in the same transaction: a redelivered or replayed event, or the same event
 * taken by a second replica after a rebalance, finds the row and creates nothing.
 */
@ApplicationScoped
public class EventTriggerService {

    private static final Logger LOG = Logger.getLogger(EventTriggerService.class);

    /** What an event did to one trigger that listens for its type on its topic. */
    public enum Outcome {
        FIRED, FILTERED_OUT, EXPRESSION_FAILED, DUPLICATE, PREDATES_TRIGGER;

        public String tag() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    /** The inputs a trigger computed from an event, or why it could not. */
    record Evaluation(ObjectNode inputs, RunEvent.RunError error) {
    }

    private final RunScheduler runs;

    public EventTriggerService(RunScheduler runs) {
        this.runs = runs;
    }

    /**
     * Applies a task's definition to its event triggers, in the caller's transaction: none unless the task is
     * active. A trigger that keeps its topic and type keeps listening from when it started; a new one, or one
     * that changed either, listens from now on.
     */
    public Uni<Void> reconcile(Mutiny.Session session, KnownTask task, JsonNode definition) {
        Map<UUID, EventTrigger> wanted = new LinkedHashMap<>();
        if ("active".equals(task.state)) {
            JsonNode triggers = definition.path("triggers");
            for (int i = 0; i < triggers.size(); i++) {
                JsonNode json = triggers.get(i);
                if (!EventTriggerSpec.isEventTrigger(json)) {
                    continue;
                }
                EventTriggerSpec spec = new EventTriggerSpec(json);
                String problem = EventTriggerSpec.topicProblem(spec.topic());
                if (problem != null || spec.eventType() == null) {
                    LOG.warnf("event trigger %d of task %s left out: topic %s %s", i, task.taskId, spec.topic(),
                            problem != null ? problem : "has no eventType");
                    continue;
                }
                EventTrigger trigger = new EventTrigger();
                trigger.id = idOf(task.taskId, spec, i);
                trigger.taskId = task.taskId;
                trigger.position = i;
                trigger.topic = spec.topic();
                trigger.eventType = spec.eventType();
                trigger.spec = json.toString();
                if (wanted.putIfAbsent(trigger.id, trigger) != null) {
                    LOG.warnf("event trigger %d of task %s left out: another one is named '%s'", i, task.taskId,
                            spec.name(i));
                }
            }
        }
        return session.createSelectionQuery("from EventTrigger where taskId = :task", EventTrigger.class)
                .setParameter("task", task.taskId).getResultList().chain(existing -> {
                    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                    Uni<Void> work = Uni.createFrom().voidItem();
                    for (EventTrigger old : existing) {
                        EventTrigger kept = wanted.remove(old.id);
                        if (kept == null) {
                            work = work.chain(() -> session.remove(old));
                            continue;
                        }
                        if (!old.topic.equals(kept.topic) || !old.eventType.equals(kept.eventType)) {
                            old.activeSince = now;
                        }
                        old.position = kept.position;
                        old.topic = kept.topic;
                        old.eventType = kept.eventType;
                        old.spec = kept.spec;
                    }
                    for (EventTrigger added : wanted.values()) {
                        added.activeSince = now;
                        work = work.chain(() -> session.persist(added));
                    }
                    return work;
                });
    }

    /** A named trigger keeps its identity when the triggers around it move; an unnamed one is its position. */
    static UUID idOf(UUID taskId, EventTriggerSpec spec, int position) {
        String key = spec.json().hasNonNull("name") ? "name:" + spec.json().get("name").asText() : "position:" + position;
        return UUID.nameUUIDFromBytes((taskId + "/event/" + key).getBytes(StandardCharsets.UTF_8));
    }

    /** Removes a task's event triggers, in the caller's transaction (the task itself is going). */
    public Uni<Integer> removeOf(Mutiny.Session session, UUID taskId) {
        return session.createMutationQuery("delete from EventTrigger where taskId = :task").setParameter("task", taskId)
                .executeUpdate();
    }

    /** Each topic some active trigger listens on, with the earliest time one of them started listening. */
    @WithSession
    public Uni<Map<String, Instant>> activeTopics() {
        return Panache.getSession().chain(session -> session
                .createSelectionQuery("select topic, min(activeSince) from EventTrigger group by topic", Object[].class)
                .getResultList()).map(rows -> {
                    Map<String, Instant> topics = new LinkedHashMap<>();
                    rows.forEach(row -> topics.put((String) row[0], (Instant) row[1]));
                    return topics;
                });
    }

    /**
     * Fires every trigger listening for this event's type on its topic whose filter holds.
     *
     * @param publishedAt the record's timestamp, or null when it has none
     */
    @WithTransaction
    @WithSpan("EventTriggerService.handle")
    public Uni<List<Outcome>> handle(String topic, ReceivedEvent event, Instant publishedAt) {
        return Panache.getSession().chain(session -> session.createSelectionQuery(
                                "from EventTrigger where topic = :topic and eventType = :type order by taskId, position",
                                EventTrigger.class)
                        .setParameter("topic", topic).setParameter("type", event.type()).getResultList()
                        .chain(triggers -> {
                            List<Outcome> outcomes = new ArrayList<>();
                            Uni<Void> all = Uni.createFrom().voidItem();
                            for (EventTrigger trigger : triggers) {
                                all = all.chain(() -> fire(session, trigger, event, publishedAt).invoke(outcomes::add))
                                        .replaceWithVoid();
                            }
                            return all.replaceWith(outcomes);
                        }));
    }

    private Uni<Outcome> fire(Mutiny.Session session, EventTrigger trigger, ReceivedEvent event, Instant publishedAt) {
        if (publishedAt != null && publishedAt.isBefore(trigger.activeSince)) {
            return Uni.createFrom().item(Outcome.PREDATES_TRIGGER);
        }
        EventTriggerSpec spec = new EventTriggerSpec(EventJson.readTree(trigger.spec));
        Evaluation evaluation = evaluate(spec, trigger.position, event);
        if (evaluation == null) {
            return Uni.createFrom().item(Outcome.FILTERED_OUT);
        }
        UUID runId = UUID.nameUUIDFromBytes((trigger.id + "@" + event.source() + "/" + event.id())
                .getBytes(StandardCharsets.UTF_8));
        return session.createNativeQuery("""
                        INSERT INTO {h-schema}event_trigger_fire (trigger_id, event_source, event_id, run_id, fired_at)
                        VALUES (:trigger, :source, :id, :run, :now) ON CONFLICT DO NOTHING""")
                .setParameter("trigger", trigger.id).setParameter("source", event.source())
                .setParameter("id", event.id()).setParameter("run", runId).setParameter("now", Instant.now())
                .executeUpdate()
                .chain(inserted -> inserted == 0 ? Uni.createFrom().item(Outcome.DUPLICATE)
                        : session.find(KnownTask.class, trigger.taskId).chain(task -> runs.create(task.tenant, task.name,
                                        task.version, EventJson.readTree(task.definition), evaluation.inputs(), runId,
                                        "trigger:" + spec.name(trigger.position) + "@event:" + event.id(), evaluation.error()))
                                .replaceWith(evaluation.error() == null ? Outcome.FIRED : Outcome.EXPRESSION_FAILED));
    }

    /**
     * The filter, then the mapping: null when the filter does not hold; an error naming the expression's field
     * when one fails on this event (a missing key, a wrong type), so the run that fails says why.
     */
    static Evaluation evaluate(EventTriggerSpec spec, int position, ReceivedEvent event) {
        Map<String, JsonNode> variables = Map.of("event", event.event());
        ObjectNode inputs = spec.inputs();
        String field = "triggers[" + position + "].filter";
        try {
            if (spec.filter() != null) {
                JsonNode holds = Expressions.evaluate(spec.filter(), variables);
                if (!holds.isBoolean()) {
                    throw new Expressions.InvalidExpressionException("'" + spec.filter() + "' gave " + holds
                            + ", not true or false");
                }
                if (!holds.booleanValue()) {
                    return null;
                }
            }
            for (Map.Entry<String, String> mapping : spec.inputsFrom().entrySet()) {
                field = "triggers[" + position + "].inputsFrom." + mapping.getKey();
                JsonNode value = Expressions.evaluate(mapping.getValue(), variables);
                if (!value.isNull()) {
                    inputs.set(mapping.getKey(), value);
                }
            }
            return new Evaluation(inputs, null);
        } catch (RuntimeException e) {
            return new Evaluation(inputs, new RunEvent.RunError("trigger-expression-failed",
                    field + " failed on event " + event.id() + " from " + event.source() + ": " + e.getMessage()));
        }
    }
}
