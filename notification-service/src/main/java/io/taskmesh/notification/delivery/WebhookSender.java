package io.taskmesh.notification.delivery;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** POSTs a JSON body signed per the Standard Webhooks spec (webhook-id, webhook-timestamp, webhook-signature). */
@ApplicationScoped
public class WebhookSender {

    public record Response(int status, long latencyMs) {
    }

    private final WebClient client;
    private final Duration timeout;

    public WebhookSender(Vertx vertx, @ConfigProperty(name = "taskmesh.delivery.timeout") Duration timeout) {
        this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("Taskmesh-Webhooks/1")
                .setConnectTimeout((int) timeout.toMillis()).setFollowRedirects(false));
        this.timeout = timeout;
    }

    public Uni<Response> send(String url, String secret, String messageId, String body) {
        long timestamp = Instant.now().getEpochSecond();
        String signature;
        try {
            signature = new Webhook(secret).sign(messageId, timestamp, body);
        } catch (WebhookSigningException e) {
            return Uni.createFrom().failure(e);
        }
        long started = System.nanoTime();
        return client.postAbs(url)
                .timeout(timeout.toMillis())
                .putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json")
                .putHeader("webhook-id", messageId)
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", signature)
                .sendBuffer(Buffer.buffer(body))
                .map(r -> new Response(r.statusCode(), (System.nanoTime() - started) / 1_000_000));
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
