package io.taskmesh.notification.channel;

import java.util.List;

/**
 * One delivery as a channel sends it: the event's id and its JSON body (fixed when the event arrived, so
 * every attempt sends the same), and where it goes as the subscription says now.
 *
 * @param secrets the signing secrets in force, newest first (webhooks)
 * @param recipients email addresses (email)
 */
public record Outgoing(String eventId, String payload, Channel channel, String url, List<String> secrets,
        List<String> recipients) {
}
