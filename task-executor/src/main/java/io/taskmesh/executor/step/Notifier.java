package io.taskmesh.executor.step;

import io.taskmesh.events.RunNotification;

/** Where {@code notify} steps send what they tell people. */
public interface Notifier {

    /**
     * Sends the notification once it is on the broker; {@code occurrence} tells apart the iterations of a loop.
     *
     * @return the notification's id, the same whenever the same step of the same attempt sends it again
     */
    String send(RunNotification notification, String occurrence);
}
