package io.taskmesh.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What a run's {@code notify} step asks to tell people, on {@link Topics#NOTIFICATIONS}: a message, optional data,
 * and optionally the one channel ({@code webhook}, {@code email}, {@code slack}) it is meant for. Produced by
 * the executors; notification-service delivers it to the subscriptions to {@code NOTIFY}.
 */
public record RunNotification(String tenant, String runId, String task, int version, int attempt, String step,
        String message, String channel, JsonNode data, Instant at) {

    public static final String TYPE = EventTypes.RUN_NOTIFICATION;
}
