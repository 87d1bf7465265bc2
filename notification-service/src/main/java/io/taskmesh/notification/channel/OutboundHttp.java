package io.taskmesh.notification.channel;

import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The HTTP client of the channels that post to a URL: bounded by the delivery timeout, no redirects. */
@ApplicationScoped
public class OutboundHttp {

    private final WebClient client;
    private final Duration timeout;

    public OutboundHttp(Vertx vertx, @ConfigProperty(name = "taskmesh.delivery.timeout") Duration timeout) {
        this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("Taskmesh-Webhooks/1")
                .setConnectTimeout((int) timeout.toMillis()).setFollowRedirects(false));
        this.timeout = timeout;
    }

    public Uni<Sent> post(String url, Consumer<HttpRequest<Buffer>> headers, Buffer body) {
        HttpRequest<Buffer> request = client.postAbs(url).timeout(timeout.toMillis());
        headers.accept(request);
        long started = System.nanoTime();
        return request.sendBuffer(body)
                .map(r -> new Sent(r.statusCode(), (System.nanoTime() - started) / 1_000_000));
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
