package io.taskmesh.notification.channel;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How a subscription is told: a signed webhook, an email, or a Slack-compatible incoming webhook. */
public enum Channel {
    WEBHOOK,
    EMAIL,
    SLACK;

    /** As written in subscriptions: {@code webhook}, {@code email}, {@code slack}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the channel posts to a URL the tenant chose (and so passes the address guard). */
    public boolean hasUrl() {
        return this != EMAIL;
    }

    /** The channel named {@code id}, or null. */
    public static Channel of(String id) {
        return Arrays.stream(values()).filter(c -> c.id().equals(id)).findFirst().orElse(null);
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Channel::id).toList();
    }
}
