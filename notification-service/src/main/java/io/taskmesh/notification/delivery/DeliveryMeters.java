package io.taskmesh.notification.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taskmesh.notification.channel.Channel;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Deliveries for dashboards and alerts: {@code taskmesh_deliveries_total{channel,outcome}} per attempt's outcome
 * ({@code delivered}, {@code retrying}, {@code dead}) and {@code taskmesh_delivery_latency_seconds{channel}},
 * from the run event's arrival to its delivery, a histogram with fixed buckets.
 */
@ApplicationScoped
public class DeliveryMeters {

    private static final Duration[] BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1)};

    private final MeterRegistry registry;

    public DeliveryMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void attempted(Channel channel, Delivery delivery) {
        String name = channel.name().toLowerCase(Locale.ROOT);
        String outcome = switch (delivery.status) {
            case DELIVERED -> "delivered";
            case DEAD -> "dead";
            default -> "retrying";
        };
        Counter.builder("taskmesh.deliveries").description("Delivery attempts by outcome").tag("channel", name)
                .tag("outcome", outcome).register(registry).increment();
        if (delivery.status == Delivery.Status.DELIVERED) {
            Duration latency = Duration.between(delivery.createdAt, Instant.now());
            Timer.builder("taskmesh.delivery.latency").description("From a run event's arrival to its delivery")
                    .tag("channel", name).serviceLevelObjectives(BUCKETS).register(registry)
                    .record(latency.isNegative() ? Duration.ZERO : latency);
        }
    }
}
