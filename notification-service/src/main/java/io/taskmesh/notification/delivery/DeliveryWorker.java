package io.taskmesh.notification.delivery;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.taskmesh.notification.channel.Channel;
import io.taskmesh.notification.channel.ChannelSender;
import io.taskmesh.notification.channel.OutboundGuard;
import io.taskmesh.notification.channel.Outgoing;
import io.taskmesh.notification.channel.Sent;
import io.taskmesh.notification.subscription.Subscription;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.LockMode;
import org.jboss.logging.Logger;

/**
 * Sends due deliveries: claimed with {@code FOR UPDATE SKIP LOCKED} (replicas share the work), sent side by
 * side, each bounded by the delivery timeout so one dead endpoint does not hold up the others. A failure is
 * retried with exponential backoff and jitter; after {@code max-attempts} the delivery is DEAD, visible in
 * the API and retried by hand.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
    private static final RandomGenerator RANDOM = RandomGenerator.getDefault();

    private final Map<Channel, ChannelSender> senders = new EnumMap<>(Channel.class);
    private final OutboundGuard guard;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int batch;

    public DeliveryWorker(Instance<ChannelSender> senders, OutboundGuard guard,
            @ConfigProperty(name = "taskmesh.delivery.max-attempts", defaultValue = "8") int maxAttempts,
            @ConfigProperty(name = "taskmesh.delivery.initial-backoff", defaultValue = "PT1S") Duration initialBackoff,
            @ConfigProperty(name = "taskmesh.delivery.max-backoff", defaultValue = "PT10M") Duration maxBackoff,
            @ConfigProperty(name = "taskmesh.delivery.batch", defaultValue = "100") int batch) {
        senders.forEach(sender -> this.senders.put(sender.channel(), sender));
        this.guard = guard;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.batch = batch;
    }

    @Scheduled(every = "${taskmesh.delivery.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    @WithTransaction
    Uni<Void> sendDue() {
        Instant now = Instant.now();
        return Panache.getSession().chain(session -> session
                .createSelectionQuery("from Delivery where nextAttemptAt <= :now order by nextAttemptAt", Delivery.class)
                .setParameter("now", now).setMaxResults(batch).setLockMode(LockMode.UPGRADE_SKIPLOCKED)
                .getResultList()
                .chain(due -> {
                    if (due.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    // one session, one query at a time; only the sends go side by side
                    return Multi.createFrom().iterable(due)
                            .onItem().transformToUniAndConcatenate(d -> session.find(Subscription.class, d.subscriptionId)
                                    .map(s -> send(d, s)))
                            .collect().asList()
                            .chain(sends -> Uni.join().all(sends).andCollectFailures().replaceWithVoid());
                }));
    }

    private Uni<Void> send(Delivery delivery, Subscription subscription) {
        if (subscription == null) {
            delivery.status = Delivery.Status.DEAD;
            delivery.nextAttemptAt = null;
            delivery.lastError = "the subscription no longer exists";
            return Uni.createFrom().voidItem();
        }
        Channel channel = Channel.of(subscription.channel);
        ChannelSender sender = senders.get(channel);
        if (sender == null) {
            return Uni.createFrom().item(new IllegalStateException("no sender for channel " + subscription.channel))
                    .invoke(outcome -> record(delivery, outcome)).replaceWithVoid();
        }
        Outgoing message = new Outgoing(delivery.eventId, delivery.payload, channel, subscription.url,
                subscription.secret == null ? List.of() : List.of(subscription.secret), subscription.recipientList());
        Uni<Void> reachable = channel.hasUrl() ? guard.check(subscription.url) : Uni.createFrom().voidItem();
        return reachable.chain(() -> sender.send(message))
                .map(r -> (Object) r)
                .onFailure().recoverWithItem(t -> t)
                .invoke(outcome -> record(delivery, outcome))
                .replaceWithVoid();
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
            d.responseCode = null;
            Throwable failure = (Throwable) outcome;
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
