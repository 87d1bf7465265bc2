package io.taskmesh.notification.channel;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * POSTs the JSON body signed per the Standard Webhooks spec (webhook-id, webhook-timestamp,
 * webhook-signature). While a rotated secret is in its grace period the body is signed with each secret
 * in force, space-separated, so receivers holding either verify it.
 */
@ApplicationScoped
public class WebhookSender implements ChannelSender {

    private final OutboundHttp http;

    public WebhookSender(OutboundHttp http) {
        this.http = http;
    }

    @Override
    public Channel channel() {
        return Channel.WEBHOOK;
    }

    @Override
    public Uni<Sent> send(Outgoing message) {
        long timestamp = Instant.now().getEpochSecond();
        List<String> signatures = new ArrayList<>();
        try {
            for (String secret : message.secrets()) {
                signatures.add(new Webhook(secret).sign(message.eventId(), timestamp, message.payload()));
            }
        } catch (WebhookSigningException e) {
            return Uni.createFrom().failure(e);
        }
        return http.post(message.url(), request -> request
                .putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json")
                .putHeader("webhook-id", message.eventId())
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", String.join(" ", signatures)), Buffer.buffer(message.payload()));
    }
}
