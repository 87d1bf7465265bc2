package io.taskmesh.notification.channel;

/** What the other side answered: an HTTP status (null for email, which has none) and how long it took. */
public record Sent(Integer responseCode, long latencyMs) {

    public boolean delivered() {
        return responseCode == null || responseCode >= 200 && responseCode < 300;
    }
}
