package io.taskmesh.notification.delivery;

import io.taskmesh.notification.subscription.Subscription;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** The secrets a webhook is signed with at a given time, newest first. */
@ApplicationScoped
public class SigningSecrets {

    public List<String> inForce(Subscription subscription, Instant at) {
        return subscription.secret == null ? List.of() : List.of(subscription.secret);
    }
}
