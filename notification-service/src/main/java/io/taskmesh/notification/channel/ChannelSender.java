package io.taskmesh.notification.channel;

import io.smallrye.mutiny.Uni;

/** Sends one delivery on one channel; a failure's message is what the delivery history shows. */
public interface ChannelSender {

    Channel channel();

    Uni<Sent> send(Outgoing message);
}
