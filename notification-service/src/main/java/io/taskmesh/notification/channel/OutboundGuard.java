package io.taskmesh.notification.channel;

import io.smallrye.mutiny.Uni;
import io.taskmesh.platform.net.AddressGuard;
import io.taskmesh.platform.net.AddressGuard.AddressRefused;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where notifications may be sent: a tenant aims webhooks and Slack messages, so loopback, private,
 * link-local (cloud metadata) and other internal addresses are refused unless private networks are allowed.
 * Checked when a subscription is created and again before every send, since a name may come to resolve
 * somewhere else. Names are resolved off the event loop.
 */
@ApplicationScoped
public class OutboundGuard {

    /** Only the form of a URL: http(s) with a host. */
    private static final AddressGuard FORM = new AddressGuard(true);

    private final AddressGuard guard;
    private final boolean allowPrivateNetworks;
    private final Vertx vertx;

    public OutboundGuard(Vertx vertx,
            @ConfigProperty(name = "taskmesh.notifications.allow-private-networks", defaultValue = "false")
            boolean allowPrivateNetworks) {
        this.vertx = vertx;
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.guard = new AddressGuard(allowPrivateNetworks);
    }

    /** Why {@code url} is not an absolute http(s) URL, or null when it is one. Does not resolve anything. */
    public static String formError(String url) {
        try {
            FORM.check(new URI(url), null);
            return null;
        } catch (java.net.URISyntaxException e) {
            return "is not a URL: " + e.getReason();
        } catch (AddressRefused e) {
            return e.getMessage();
        }
    }

    /** Fails with {@link AddressRefused} when {@code url} may not be called. */
    public Uni<Void> check(String url) {
        String form = formError(url);
        if (form != null) {
            return Uni.createFrom().failure(new AddressRefused(form));
        }
        if (allowPrivateNetworks) {
            return Uni.createFrom().voidItem();
        }
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            guard.check(URI.create(url), null);
            return true;
        }), false).replaceWithVoid();
    }
}
