package io.taskmesh.notification.delivery;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.taskmesh.notification.channel.Channel;
import io.taskmesh.notification.channel.ChannelSender;
import io.taskmesh.notification.channel.OutboundGuard;
import io.taskmesh.notification.channel.Outgoing;
import io.taskmesh.notification.channel.Sent;
import io.taskmesh.notification.subscription.Subscription;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Sends due deliveries. Each tick claims them in a short transaction ({@code FOR UPDATE SKIP LOCKED}, so
 * replicas share the work) by leasing them a while ahead, then sends outside it and records each outcome in
 * a transaction of its own when it comes: a slow endpoint holds neither the tick nor anyone else's sends. At
 * most {@code per-endpoint-concurrency} sends are in flight per endpoint; the rest of its queue is claimed as
 * soon as one of them ends (and at the latest at the next tick). A failure is retried with exponential backoff and jitter; after {@code max-attempts} the
 * delivery is DEAD, visible in the API and retried by hand. If the instance dies mid-send, the lease runs
 * out and the delivery is sent again, with the same {@code webhook-id}: at least once, and a second time only
 * for the sends in flight on an instance that died or whose outcome could not be recorded.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
    private static final RandomGenerator RANDOM = RandomGenerator.getDefault();

    /** A delivery taken by this instance, with what its channel needs, read while the row was locked. */
    record Claim(UUID deliveryId, String endpoint, ChannelSender sender, Outgoing message) {
    }

    private final Map<Channel, ChannelSender> senders = new EnumMap<>(Channel.class);
    private final OutboundGuard guard;
    private final EndpointLimits limits;
    private final Vertx vertx;
    private final DeliveryRepository deliveries;
    private final DeliveryMeters meters;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int batch;
    private final Duration lease;

    public DeliveryWorker(Instance<ChannelSender> senders, OutboundGuard guard, EndpointLimits limits, Vertx vertx,
            DeliveryRepository deliveries, DeliveryMeters meters,
            @ConfigProperty(name = "taskmesh.delivery.max-attempts", defaultValue = "8") int maxAttempts,
            @ConfigProperty(name = "taskmesh.delivery.initial-backoff", defaultValue = "PT1S") Duration initialBackoff,
            @ConfigProperty(name = "taskmesh.delivery.max-backoff", defaultValue = "PT10M") Duration maxBackoff,
            @ConfigProperty(name = "taskmesh.delivery.batch", defaultValue = "100") int batch,
            @ConfigProperty(name = "taskmesh.delivery.timeout") Duration timeout) {
        senders.forEach(sender -> this.senders.put(sender.channel(), sender));
        this.guard = guard;
        this.limits = limits;
        this.vertx = vertx;
        this.deliveries = deliveries;
        this.meters = meters;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.batch = batch;
        // the address check and the send are each bounded by the timeout; the margin covers recording
        this.lease = timeout.multipliedBy(3).plusSeconds(30);
    }

    @Scheduled(every = "${taskmesh.delivery.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sendDue() {
        return Panache.withTransaction(this::claimDue)
                .invoke(claims -> claims.forEach(this::start))
                .replaceWithVoid();
    }

    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean wakeAgain = new AtomicBoolean();

    /**
     * A send ended, so its endpoint has room: claim what is due now rather than at the next tick, so an endpoint's
     * queue drains as fast as it answers (within its concurrency) instead of a few deliveries a second. Claims
     * asked for while one runs are folded into one more after it.
     */
    private void wake() {
        if (!claiming.compareAndSet(false, true)) {
            wakeAgain.set(true);
            return;
        }
        Context context = VertxContext.createNewDuplicatedContext(vertx.getDelegate().getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> sendDue().subscribe().with(
                done -> claimed(), failure -> {
                    LOG.debugf("claiming due deliveries failed (the next tick tries again): %s", failure.getMessage());
                    claimed();
                }));
    }

    private void claimed() {
        claiming.set(false);
        if (wakeAgain.getAndSet(false)) {
            wake();
        }
    }

    private Uni<List<Claim>> claimDue() {
        Instant now = Instant.now();
        return Panache.getSession().chain(session -> deliveries.claimDue(now, limits.saturated(), limits.perEndpoint(), batch)
                .chain(due -> {
                    if (due.isEmpty()) {
                        return Uni.createFrom().item(List.<Claim>of());
                    }
                    Set<UUID> ids = due.stream().map(d -> d.subscriptionId).collect(Collectors.toSet());
                    return session.createSelectionQuery("from Subscription where id in :ids", Subscription.class)
                            .setParameter("ids", ids).getResultList()
                            .map(found -> claim(due,
                                    found.stream().collect(Collectors.toMap(s -> s.id, Function.identity())), now));
                }));
    }

    private List<Claim> claim(List<Delivery> due, Map<UUID, Subscription> subscriptions, Instant now) {
        List<Claim> claims = new ArrayList<>();
        for (Delivery d : due) {
            Subscription s = subscriptions.get(d.subscriptionId);
            boolean gone = s == null || s.deletedAt != null;
            ChannelSender sender = gone ? null : senders.get(Channel.of(s.channel));
            if (sender == null) {
                d.status = Delivery.Status.DEAD;
                d.nextAttemptAt = null;
                d.updatedAt = now;
                d.lastError = gone ? "the subscription no longer exists" : "no sender for channel " + s.channel;
                continue;
            }
            String endpoint = d.endpoint.isEmpty() ? EndpointLimits.endpointOf(s) : d.endpoint;
            if (!limits.tryAcquire(endpoint)) {
                continue;
            }
            d.nextAttemptAt = now.plus(lease);
            claims.add(new Claim(d.id, endpoint, sender, new Outgoing(d.eventId, d.payload, sender.channel(), s.url,
                    SigningSecrets.inForce(s, now), s.recipientList())));
        }
        return claims;
    }

    private void start(Claim claim) {
        Outgoing message = claim.message();
        Uni<Void> reachable = message.channel().hasUrl() ? guard.check(message.url()) : Uni.createFrom().voidItem();
        reachable.chain(() -> claim.sender().send(message))
                .map(sent -> (Object) sent)
                .onFailure().recoverWithItem(failure -> failure)
                .subscribe().with(outcome -> recordLater(claim, outcome));
    }

    /**
     * On a context of its own: one session per outcome, whatever else completes at the same time. The endpoint's
     * slot is given back once the outcome is recorded, not when the send ends: a delivery sent but not yet recorded
     * is sent again if this instance dies, so those are bounded by the endpoint's concurrency too.
     */
    private void recordLater(Claim claim, Object outcome) {
        UUID deliveryId = claim.deliveryId();
        Context context = VertxContext.createNewDuplicatedContext(vertx.getDelegate().getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored ->
                Panache.withTransaction(() -> deliveries.findById(deliveryId).invoke(d -> {
                    if (d != null) {
                        record(d, outcome);
                        meters.attempted(claim.message().channel(), d);
                    }
                })).onTermination().invoke(() -> limits.release(claim.endpoint()))
                .subscribe().with(d -> wake(), failure ->
                        LOG.warnf("the outcome of delivery %s was not recorded (it will be sent again): %s",
                                deliveryId, failure.getMessage())));
    }

    private void record(Delivery d, Object outcome) {
        d.attempts += 1;
        d.updatedAt = Instant.now();
        if (outcome instanceof Sent r) {
            d.responseCode = r.responseCode();
            d.latencyMs = r.latencyMs();
            if (r.delivered()) {
                d.status = Delivery.Status.DELIVERED;
                d.nextAttemptAt = null;
                d.lastError = null;
                return;
            }
            d.lastError = "HTTP " + r.responseCode();
        } else {
            Throwable failure = (Throwable) outcome;
            d.responseCode = null;
            d.lastError = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        }
        if (d.attempts >= maxAttempts) {
            d.status = Delivery.Status.DEAD;
            d.nextAttemptAt = null;
            LOG.infof("delivery %s is dead after %d attempts: %s", d.id, d.attempts, d.lastError);
        } else {
            d.nextAttemptAt = d.updatedAt.plus(backoff(d.attempts));
        }
    }

    /** Exponential from the initial backoff, capped, with equal jitter. */
    Duration backoff(int attempts) {
        double base = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() * Math.pow(2, attempts - 1));
        return Duration.ofMillis(Math.round(base / 2 + RANDOM.nextDouble() * base / 2));
    }
}
