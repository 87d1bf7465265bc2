package io.taskmesh.notification.delivery;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.RunEvent;
import io.taskmesh.notification.stream.RunEventLog;
import io.taskmesh.notification.subscription.Subscription;
import io.taskmesh.notification.subscription.SubscriptionRepository;
import io.taskmesh.platform.messaging.EventConsumers;
import io.taskmesh.platform.messaging.IncomingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
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
    private final String apiBaseUrl;

    public RunEventNotifier(SubscriptionRepository subscriptions, DeliveryRepository deliveries, RunEventLog log,
            @ConfigProperty(name = "taskmesh.api.base-url", defaultValue = "http://127.0.0.1:8080") String apiBaseUrl) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.log = log;
        this.apiBaseUrl = apiBaseUrl;
    }

    @Incoming("run-events")
    public Uni<Void> onRunEvent(Message<String> message) {
        return EventConsumers.handle(message, incoming -> notify(incoming, incoming.data(RunEvent.class)));
    }

    Uni<Void> notify(IncomingEvent incoming, RunEvent event) {
        String body = body(incoming, event).toString();
        return log.append(incoming.id(), event.tenant(), event.task(), event.status().name(), incoming.type(), body,
                        event.at())
                .chain(() -> Panache.withTransaction(() -> subscriptions.forTask(event.tenant(), event.task())
                        .chain(matching -> queueAll(matching.stream()
                                .filter(s -> s.statusSet().contains(event.status().name())).toList(),
                                incoming, event, body))));
    }

    /** One after the other: the session is not shared by concurrent queries. */
    private Uni<Void> queueAll(List<Subscription> matching, IncomingEvent incoming, RunEvent event, String body) {
        Uni<Void> all = Uni.createFrom().voidItem();
        for (Subscription s : matching) {
            all = all.chain(() -> queue(s, incoming, event, body));
        }
        return all;
    }

    /** Queues the delivery (once per subscription and event id); {@link DeliveryWorker} sends it. */
    private Uni<Void> queue(Subscription subscription, IncomingEvent incoming, RunEvent event, String body) {
        return deliveries.find(subscription.id, incoming.id()).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().voidItem();
            }
            Delivery d = new Delivery();
            d.id = UUID.randomUUID();
            d.subscriptionId = subscription.id;
            d.endpoint = EndpointLimits.endpointOf(subscription);
            d.eventId = incoming.id();
            d.eventType = incoming.type();
            d.runId = UUID.fromString(event.runId());
            d.status = Delivery.Status.PENDING;
            d.payload = body;
            d.createdAt = Instant.now();
            d.updatedAt = d.createdAt;
            d.nextAttemptAt = d.createdAt;
            return deliveries.persist(d).replaceWithVoid();
        });
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
