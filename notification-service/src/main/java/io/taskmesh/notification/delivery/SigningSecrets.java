package io.taskmesh.notification.delivery;

import io.taskmesh.notification.subscription.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The secrets a webhook is signed with at a given time, newest first: the current one and, during the grace
 * period after a rotation, the one before it (Standard Webhooks receivers accept any listed signature).
 */
public final class SigningSecrets {

    private SigningSecrets() {
    }

    public static List<String> inForce(Subscription subscription, Instant at) {
        List<String> secrets = new ArrayList<>(2);
        if (subscription.secret != null) {
            secrets.add(subscription.secret);
        }
        if (subscription.previousSecret != null && subscription.previousSecretExpiresAt != null
                && at.isBefore(subscription.previousSecretExpiresAt)) {
            secrets.add(subscription.previousSecret);
        }
        return List.copyOf(secrets);
    }
}
