package io.taskmesh.executor.run;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunNotification;
import io.taskmesh.events.Topics;
import io.taskmesh.executor.step.Notifier;
import io.taskmesh.platform.messaging.CloudEventMessages;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Publishes what {@code notify} steps ask to tell people on {@link Topics#NOTIFICATIONS}, and waits for the
 * broker's acknowledgement before the step counts as done. The CloudEvent id depends only on the run, the
 * attempt and the step (and the iteration of a loop), so a step carried out again after a redelivery publishes
 * the same event, which notification-service delivers once.
 */
@ApplicationScoped
public class RunNotifications implements Notifier {

    private final MutinyEmitter<String> notifications;
    private final String source;

    public RunNotifications(@Channel("notifications") MutinyEmitter<String> notifications,
            @ConfigProperty(name = "quarkus.application.name") String source) {
        this.notifications = notifications;
        this.source = source;
    }

    @Override
    public String send(RunNotification notification, String occurrence) {
        String id = UUID.nameUUIDFromBytes((notification.runId() + "/" + notification.attempt() + "/notify/"
                + notification.step() + "/" + occurrence).getBytes(StandardCharsets.UTF_8)).toString();
        notifications.sendMessage(CloudEventMessages.of(source, Topics.NOTIFICATIONS, notification.runId(), id,
                RunNotification.TYPE, notification.runId(), EventJson.write(notification)))
                .await().atMost(Duration.ofSeconds(30));
        return id;
    }
}
