package io.taskmesh.notification.subscription.rest;

import io.taskmesh.events.EventJson;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.taskmesh.notification.channel.Channel;
import io.taskmesh.notification.channel.OutboundGuard;
import io.taskmesh.notification.delivery.Delivery;
import io.taskmesh.notification.delivery.DeliveryRepository;
import io.taskmesh.notification.subscription.Subscription;
import io.taskmesh.notification.subscription.SubscriptionRepository;
import io.taskmesh.platform.net.AddressGuard.AddressRefused;
import io.taskmesh.platform.problem.Problem.FieldError;
import io.taskmesh.platform.problem.ProblemException;
import io.taskmesh.platform.security.CurrentTenant;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** A tenant's subscriptions to run events, and the history of their deliveries. */
@Path("/api/v1/subscriptions")
@Produces(MediaType.APPLICATION_JSON)
public class SubscriptionResource {

    private static final SecureRandom RANDOM = new SecureRandom();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SubscriptionView(String id, String task, Map<String, String> labels, List<String> events,
            String channel, String url, List<String> to, String secret, Instant previousSecretExpiresAt,
            Boolean definedByTask, Instant createdAt) {
        static SubscriptionView of(Subscription s, boolean withSecret) {
            return new SubscriptionView(s.id.toString(), s.taskName,
                    s.labels == null ? null : readLabels(s.labels), List.of(s.statuses.split(",")),
                    s.channel, s.url, s.recipients == null ? null : s.recipientList(), withSecret ? s.secret : null,
                    s.previousSecretExpiresAt != null && s.previousSecretExpiresAt.isAfter(Instant.now())
                            ? s.previousSecretExpiresAt : null,
                    s.managedByTask == null ? null : true, s.createdAt);
        }
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, String>> LABELS =
            new com.fasterxml.jackson.core.type.TypeReference<>() {
            };

    private static Map<String, String> readLabels(String json) {
        try {
            return EventJson.mapper().readValue(json, LABELS);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable labels " + json, e);
        }
    }

    /** The new secret, shown this once, and until when the one it replaced still signs deliveries. */
    public record RotatedSecret(String id, String secret, Instant previousSecretExpiresAt) {
    }

    public record DeliveryView(String id, String eventId, String eventType, String runId, Delivery.Status status,
            int attempts, Integer responseCode, Long latencyMs, String lastError, Instant nextAttemptAt,
            Instant createdAt, Instant updatedAt) {
        static DeliveryView of(Delivery d) {
            return new DeliveryView(d.id.toString(), d.eventId, d.eventType, d.runId == null ? null : d.runId.toString(),
                    d.status, d.attempts,
                    d.responseCode, d.latencyMs, d.lastError, d.nextAttemptAt, d.createdAt, d.updatedAt);
        }
    }

    private final SubscriptionRepository subscriptions;
    private final DeliveryRepository deliveries;
    private final CurrentTenant caller;
    private final OutboundGuard guard;
    private final Duration secretGracePeriod;

    public SubscriptionResource(SubscriptionRepository subscriptions, DeliveryRepository deliveries,
            CurrentTenant caller, OutboundGuard guard,
            @ConfigProperty(name = "taskmesh.notifications.secret-grace-period", defaultValue = "PT24H")
            Duration secretGracePeriod) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.caller = caller;
        this.guard = guard;
        this.secretGracePeriod = secretGracePeriod;
    }

    /**
     * Answers 201 with the subscription and, this once, its signing secret (webhooks). A URL inside the
     * network is refused (422 naming {@code url}) unless private networks are allowed.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"task-author", "task-operator", "taskmesh-admin"})
    public Uni<Response> create(NewSubscription request) {
        if (request == null) {
            throw ProblemException.invalid(422, "The subscription is not valid",
                    List.of(new FieldError("", "a subscription needs events and a url or recipients")));
        }
        List<FieldError> errors = request.validate();
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(422, "The subscription is not valid", errors);
        }
        String tenant = caller.id();
        String user = caller.user();
        Uni<Void> reachable = request.channelOrDefault().hasUrl() ? guard.check(request.url())
                : Uni.createFrom().voidItem();
        return reachable
                .onFailure(AddressRefused.class).transform(refused -> ProblemException.invalid(422,
                        "The subscription is not valid", List.of(new FieldError("url", refused.getMessage()))))
                .chain(() -> Panache.withTransaction(() -> persist(request, tenant, user)));
    }

    private Uni<Response> persist(NewSubscription request, String tenant, String user) {
        Subscription s = request.toSubscription(UUID.randomUUID(), tenant, user, newSecret());
        return subscriptions.persist(s).map(saved -> Response
                .created(URI.create("/api/v1/subscriptions/" + saved.id))
                .entity(SubscriptionView.of(saved, true)).build());
    }

    /**
     * Deletes a subscription: it matches no event any more, and its pending deliveries are not sent. One that a
     * task's definition asks for is changed with the task (409).
     */
    @DELETE
    @Path("/{id}")
    @RolesAllowed({"task-author", "task-operator", "taskmesh-admin"})
    public Uni<Response> delete(@PathParam("id") String id) {
        UUID subscriptionId = parse(id);
        return Panache.withTransaction(() -> subscriptions.findForTenant(caller.id(), subscriptionId).map(s -> {
            if (s == null) {
                throw ProblemException.notFound("subscription " + id);
            }
            if (s.managedByTask != null) {
                throw ProblemException.conflict("Subscription " + id + " comes from the notifications of task '"
                        + s.taskName + "'; change the task's definition instead");
            }
            s.deletedAt = Instant.now();
            return Response.noContent().build();
        }));
    }

    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    @GET
    @WithSession
    public Uni<List<SubscriptionView>> list() {
        return subscriptions.listForTenant(caller.id())
                .map(all -> all.stream().map(s -> SubscriptionView.of(s, false)).toList());
    }

    /**
     * A new signing secret for a webhook subscription. Until the grace period ends every delivery carries
     * a signature with each secret, so receivers switch over at their pace; rotating again drops the oldest.
     */
    @POST
    @Path("/{id}/secret/rotate")
    @RolesAllowed({"task-author", "task-operator", "taskmesh-admin"})
    @WithTransaction
    public Uni<RotatedSecret> rotateSecret(@PathParam("id") String id) {
        UUID subscriptionId = parse(id);
        return subscriptions.findForTenant(caller.id(), subscriptionId).map(s -> {
            if (s == null) {
                throw ProblemException.notFound("subscription " + id);
            }
            if (s.secret == null) {
                throw ProblemException.conflict("subscription " + id + " is a " + s.channel
                        + " subscription; only webhooks are signed");
            }
            Instant now = Instant.now();
            s.previousSecret = s.secret;
            s.previousSecretExpiresAt = now.plus(secretGracePeriod);
            s.secret = newSecret();
            return new RotatedSecret(s.id.toString(), s.secret, s.previousSecretExpiresAt);
        });
    }

    @GET
    @Path("/{id}/deliveries")
    @WithSession
    public Uni<List<DeliveryView>> deliveries(@PathParam("id") String id) {
        UUID subscriptionId = parse(id);
        return subscriptions.findForTenant(caller.id(), subscriptionId).chain(s -> {
            if (s == null) {
                throw ProblemException.notFound("subscription " + id);
            }
            return deliveries.history(s.id, 100);
        }).map(list -> list.stream().map(DeliveryView::of).toList());
    }

    /** Sends a DEAD delivery again, now; anything else answers 409. */
    @POST
    @Path("/{id}/deliveries/{delivery}/retry")
    @RolesAllowed({"task-author", "task-operator", "taskmesh-admin"})
    @WithTransaction
    public Uni<DeliveryView> retry(@PathParam("id") String id, @PathParam("delivery") String deliveryId) {
        UUID subscriptionId = parse(id);
        UUID delivery = parse(deliveryId);
        return subscriptions.findForTenant(caller.id(), subscriptionId).chain(s -> {
            if (s == null) {
                throw ProblemException.notFound("subscription " + id);
            }
            return deliveries.findById(delivery);
        }).map(d -> {
            if (d == null || !d.subscriptionId.equals(subscriptionId)) {
                throw ProblemException.notFound("delivery " + deliveryId);
            }
            if (d.status != Delivery.Status.DEAD) {
                throw ProblemException.conflict("delivery " + deliveryId + " is " + d.status + "; only a DEAD one is retried by hand");
            }
            d.status = Delivery.Status.PENDING;
            d.nextAttemptAt = Instant.now();
            d.attempts = 0;
            d.updatedAt = d.nextAttemptAt;
            return DeliveryView.of(d);
        });
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("subscription " + id);
        }
    }
}
