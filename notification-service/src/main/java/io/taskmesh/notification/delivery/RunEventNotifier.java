package io.taskmesh.notification.delivery;

import io.taskmesh.notification.subscription.TaskProfile;
import io.taskmesh.notification.subscription.TaskProfiles;
import io.taskmesh.notification.subscription.rest.NewSubscription;
import java.util.function.BiPredicate;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunNotification;
import io.taskmesh.notification.stream.RunEventLog;
import io.taskmesh.notification.subscription.Subscription;
import io.taskmesh.notification.subscription.SubscriptionRepository;
import io.taskmesh.platform.messaging.EventConsumers;
import io.taskmesh.platform.messaging.IncomingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import io.taskmesh.platform.messaging.EventBatcher;
import io.taskmesh.platform.messaging.EventBatcher.Batched;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Keeps every run event in the {@link RunEventLog} for live streams, and turns it into deliveries for the
 * subscriptions that match it. A (subscription, event id) is queued once, so a redelivered Kafka record
 * sends nothing twice; the record is acknowledged once both are stored, and {@link DeliveryWorker} sends
 * the deliveries, at least once.
 */
@ApplicationScoped
public class RunEventNotifier {

    private final SubscriptionRepository subscriptions;
    private final DeliveryRepository deliveries;
    private final RunEventLog log;
    private final TaskProfiles profiles;
    private final LateRuns lateRuns;
    private final String apiBaseUrl;
    private final EventBatcher<RunEvent> batcher;

    public RunEventNotifier(SubscriptionRepository subscriptions, DeliveryRepository deliveries, RunEventLog log,
            TaskProfiles profiles, LateRuns lateRuns,
            @ConfigProperty(name = "taskmesh.api.base-url", defaultValue = "http://127.0.0.1:8080") String apiBaseUrl,
            @ConfigProperty(name = "taskmesh.run-events.max-batch", defaultValue = "100") int maxBatch) {
        this.batcher = new EventBatcher<>(incoming -> incoming.data(RunEvent.class), this::notifyAll,
                item -> notifyAll(List.of(item)), maxBatch);
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.log = log;
        this.profiles = profiles;
        this.lateRuns = lateRuns;
        this.apiBaseUrl = apiBaseUrl;
    }

    @Incoming("run-events")
    public Uni<Void> onRunEvent(Message<String> message) {
        return batcher.accept(message);
    }

    /** A batch of run events: appended to the log together, then matched and queued in one transaction. */
    private Uni<Void> notifyAll(List<Batched<RunEvent>> batch) {
        Map<Batched<RunEvent>, String> bodies = new IdentityHashMap<>();
        List<RunEventLog.Appended> appended = new ArrayList<>();
        for (Batched<RunEvent> b : batch) {
            String body = body(b.event(), b.data()).toString();
            bodies.put(b, body);
            appended.add(new RunEventLog.Appended(b.event().id(), b.data().tenant(), b.data().task(),
                    b.data().status().name(), b.event().type(), body, b.data().at()));
        }
        return log.appendAll(appended).chain(() -> Panache.withTransaction(() -> {
            Map<String, List<Subscription>> candidates = new HashMap<>();
            return EventBatcher.eachInOrder(batch, b -> deliver(b.event(), b.data(), bodies.get(b), candidates));
        }));
    }

    /** What a run's {@code notify} step sends: to the subscriptions to NOTIFY (of the step's channel, if it names one). */
    @Incoming("notifications")
    public Uni<Void> onNotification(Message<String> message) {
        return EventConsumers.handle(message, incoming -> {
            RunNotification notification = incoming.data(RunNotification.class);
            String body = body(incoming, notification).toString();
            return Panache.withTransaction(() -> matching(notification.tenant(), notification.task(),
                    (s, task) -> s.statusSet().contains(NewSubscription.NOTIFY)
                            && (notification.channel() == null || notification.channel().equals(s.channel)))
                    .chain(matching -> queueAll(matching, incoming.id(), incoming.type(),
                            UUID.fromString(notification.runId()), body)));
        });
    }

    /** Queues the event for the subscriptions it matches; {@code candidates} keeps each task's look-up of a batch. */
    private Uni<Void> deliver(IncomingEvent incoming, RunEvent event, String body, Map<String, List<Subscription>> candidates) {
        String status = event.status().name();
        return matching(event.tenant(), event.task(),
                (s, task) -> s.statusSet().contains(status)
                        || (s.statusSet().contains(NewSubscription.DELIVERABLE) && task != null && task.delivers(status)),
                candidates)
                .chain(matching -> queueAll(matching, incoming.id(), incoming.type(), UUID.fromString(event.runId()), body))
                .chain(() -> LateRuns.concerns(event) ? lateRuns.observe(event, profiles) : Uni.createFrom().voidItem());
    }

    /**
     * The subscriptions of a tenant that cover a task (by name, or every task: an indexed look-up), whose label
     * selector the task's labels hold, and that {@code wants} the event; the task's profile is read only when a
     * candidate needs it.
     */
    Uni<List<Subscription>> matching(String tenant, String task, BiPredicate<Subscription, TaskProfile> wants) {
        return matching(tenant, task, wants, new HashMap<>());
    }

    private Uni<List<Subscription>> matching(String tenant, String task, BiPredicate<Subscription, TaskProfile> wants,
            Map<String, List<Subscription>> looked) {
        String key = tenant + '\u0000' + task;
        List<Subscription> known = looked.get(key);
        Uni<List<Subscription>> forTask = known != null ? Uni.createFrom().item(known)
                : subscriptions.forTask(tenant, task).invoke(found -> looked.put(key, found));
        return forTask.chain(candidates -> {
            boolean needsProfile = candidates.stream()
                    .anyMatch(s -> s.labels != null || s.statusSet().contains(NewSubscription.DELIVERABLE));
            Uni<TaskProfile> profile = needsProfile ? profiles.find(tenant, task) : Uni.createFrom().nullItem();
            return profile.map(p -> candidates.stream()
                    .filter(s -> s.labels == null || (p != null && p.hasLabels(s.labels)))
                    .filter(s -> wants.test(s, p)).toList());
        });
    }

    /** One after the other: the session is not shared by concurrent queries. */
    Uni<Void> queueAll(List<Subscription> matching, String eventId, String eventType, UUID runId, String body) {
        Uni<Void> all = Uni.createFrom().voidItem();
        for (Subscription s : matching) {
            all = all.chain(() -> queue(s, eventId, eventType, runId, body));
        }
        return all;
    }

    /** Queues the delivery (once per subscription and event id); {@link DeliveryWorker} sends it. */
    private Uni<Void> queue(Subscription subscription, String eventId, String eventType, UUID runId, String body) {
        return deliveries.find(subscription.id, eventId).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().voidItem();
            }
            Delivery d = new Delivery();
            d.id = UUID.randomUUID();
            d.subscriptionId = subscription.id;
            d.endpoint = EndpointLimits.endpointOf(subscription);
            d.eventId = eventId;
            d.eventType = eventType;
            d.runId = runId;
            d.status = Delivery.Status.PENDING;
            d.payload = body;
            d.createdAt = Instant.now();
            d.updatedAt = d.createdAt;
            d.nextAttemptAt = d.createdAt;
            return deliveries.persist(d).replaceWithVoid();
        });
    }

    private ObjectNode body(IncomingEvent incoming, RunNotification notification) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", incoming.type());
        body.put("id", incoming.id());
        body.put("timestamp", notification.at().toString());
        ObjectNode data = body.putObject("data");
        data.put("runId", notification.runId());
        data.put("task", notification.task());
        data.put("taskVersion", notification.version());
        data.put("attempt", notification.attempt());
        data.put("step", notification.step());
        data.put("message", notification.message());
        if (notification.data() != null) {
            data.set("data", notification.data());
        }
        data.put("link", apiBaseUrl + "/api/v1/runs/" + notification.runId());
        return body;
    }

    private ObjectNode body(IncomingEvent incoming, RunEvent event) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", incoming.type());
        body.put("id", incoming.id());
        body.put("timestamp", event.at().toString());
        ObjectNode data = body.putObject("data");
        data.put("runId", event.runId());
        data.put("task", event.task());
        data.put("taskVersion", event.version());
        data.put("status", event.status().name());
        data.put("attempt", event.attempt());
        if (event.result() != null) {
            data.set("result", event.result());
        }
        if (event.error() != null) {
            data.putObject("error").put("code", event.error().code()).put("message", event.error().message());
        }
        data.put("link", apiBaseUrl + "/api/v1/runs/" + event.runId());
        return body;
    }
}
