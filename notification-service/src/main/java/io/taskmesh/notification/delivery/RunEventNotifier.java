package io.taskmesh.notification.delivery;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.taskmesh.events.RunEvent;
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
import org.jboss.logging.Logger;

/**
 * Delivers run events to the subscriptions that match them. A delivery already recorded as DELIVERED for
 * a (subscription, event id) is not sent again, so a redelivered Kafka record sends nothing twice.
 */
@ApplicationScoped
public class RunEventNotifier {

    private static final Logger LOG = Logger.getLogger(RunEventNotifier.class);

    private final SubscriptionRepository subscriptions;
    private final DeliveryRepository deliveries;
    private final WebhookSender webhooks;
    private final String apiBaseUrl;

    public RunEventNotifier(SubscriptionRepository subscriptions, DeliveryRepository deliveries, WebhookSender webhooks,
            @ConfigProperty(name = "taskmesh.api.base-url", defaultValue = "http://127.0.0.1:8080") String apiBaseUrl) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.apiBaseUrl = apiBaseUrl;
    }

    @Incoming("run-events")
    public Uni<Void> onRunEvent(Message<String> message) {
        return EventConsumers.handle(message, incoming -> notify(incoming, incoming.data(RunEvent.class)));
    }

    Uni<Void> notify(IncomingEvent incoming, RunEvent event) {
        return Panache.withSession(() -> subscriptions.forTask(event.tenant(), event.task()))
                .chain(matching -> deliverAll(matching.stream()
                        .filter(s -> s.statusSet().contains(event.status().name())).toList(), incoming, event));
    }

    private Uni<Void> deliverAll(List<Subscription> matching, IncomingEvent incoming, RunEvent event) {
        if (matching.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(matching.stream().map(s -> deliver(s, incoming, event)).toList())
                .andCollectFailures().replaceWithVoid();
    }

    private Uni<Void> deliver(Subscription subscription, IncomingEvent incoming, RunEvent event) {
        String body = body(incoming, event).toString();
        return Panache.withTransaction(() -> deliveries.find(subscription.id, incoming.id()).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().item(existing);
            }
            Delivery d = new Delivery();
            d.id = UUID.randomUUID();
            d.subscriptionId = subscription.id;
            d.eventId = incoming.id();
            d.runId = UUID.fromString(event.runId());
            d.status = Delivery.Status.PENDING;
            d.createdAt = Instant.now();
            d.updatedAt = d.createdAt;
            return deliveries.persist(d);
        })).chain(delivery -> {
            if (delivery.status == Delivery.Status.DELIVERED) {
                return Uni.createFrom().voidItem();
            }
            return webhooks.send(subscription.url, subscription.secret, incoming.id(), body)
                    .map(r -> (Object) r)
                    .onFailure().recoverWithItem(t -> t)
                    .chain(outcome -> record(delivery.id, outcome));
        });
    }

    private Uni<Void> record(UUID deliveryId, Object outcome) {
        return Panache.withTransaction(() -> deliveries.findById(deliveryId).invoke(d -> {
            d.attempts += 1;
            d.updatedAt = Instant.now();
            if (outcome instanceof WebhookSender.Response r) {
                d.responseCode = r.status();
                d.latencyMs = r.latencyMs();
                d.status = r.status() >= 200 && r.status() < 300 ? Delivery.Status.DELIVERED : Delivery.Status.FAILED;
                d.lastError = d.status == Delivery.Status.DELIVERED ? null : "HTTP " + r.status();
            } else {
                d.status = Delivery.Status.FAILED;
                d.lastError = ((Throwable) outcome).getMessage();
                LOG.infof("webhook delivery %s failed: %s", deliveryId, d.lastError);
            }
        })).replaceWithVoid();
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
