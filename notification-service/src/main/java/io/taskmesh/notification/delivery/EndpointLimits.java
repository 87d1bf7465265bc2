package io.taskmesh.notification.delivery;

import io.taskmesh.notification.channel.Channel;
import io.taskmesh.notification.subscription.Subscription;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How many sends each endpoint has in flight from this instance, bounded, so a slow or dead endpoint holds
 * at most that many sends (each bounded by the delivery timeout) and never the others'. An endpoint is the
 * host and explicit port of the URL; every mail goes through the one SMTP server, endpoint {@code smtp}.
 */
@ApplicationScoped
public class EndpointLimits {

    private final int perEndpoint;
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

    public EndpointLimits(
            @ConfigProperty(name = "taskmesh.delivery.per-endpoint-concurrency", defaultValue = "4") int perEndpoint) {
        this.perEndpoint = perEndpoint;
    }

    /** How many sends one endpoint may have in flight from this instance. */
    public int perEndpoint() {
        return perEndpoint;
    }

    public static String endpointOf(Subscription subscription) {
        if (Channel.of(subscription.channel) == Channel.EMAIL || subscription.url == null) {
            return "smtp";
        }
        URI uri = URI.create(subscription.url);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return uri.getPort() == -1 ? host : host + ":" + uri.getPort();
    }

    /** Takes a slot of {@code endpoint}, or answers false when it has as many sends in flight as allowed. */
    public boolean tryAcquire(String endpoint) {
        boolean[] taken = {false};
        inFlight.compute(endpoint, (key, count) -> {
            int current = count == null ? 0 : count;
            if (current >= perEndpoint) {
                return current;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }

    public void release(String endpoint) {
        inFlight.computeIfPresent(endpoint, (key, count) -> count <= 1 ? null : count - 1);
    }

    /** The endpoints with no slot left, whose due deliveries wait for a later tick. */
    public Set<String> saturated() {
        return inFlight.entrySet().stream().filter(e -> e.getValue() >= perEndpoint).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }
}
