package io.taskmesh.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP endpoint that counts the calls per {@code X-Run-Ref} header (a run's side effect) and holds each one
 * for a while, so that calls are in flight when something dies.
 */
final class CountingReceiver implements AutoCloseable {

    private final HttpServer server;
    private final Duration hold;
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final Set<String> waiting = ConcurrentHashMap.newKeySet();
    final Set<String> idempotencyKeys = ConcurrentHashMap.newKeySet();
    final AtomicInteger total = new AtomicInteger();

    CountingReceiver(Duration hold) throws IOException {
        this.hold = hold;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/effect", exchange -> {
            String ref = exchange.getRequestHeaders().getFirst("X-Run-Ref");
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            if (key != null) {
                idempotencyKeys.add(key);
            }
            total.incrementAndGet();
            calls.computeIfAbsent(ref, r -> new AtomicInteger()).incrementAndGet();
            waiting.add(ref);
            try {
                exchange.getRequestBody().readAllBytes();
                Thread.sleep(this.hold);
                byte[] body = ("{\"ref\":\"" + ref + "\"}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (IOException | InterruptedException e) {
                // the caller died while it waited: the call happened all the same
            } finally {
                waiting.remove(ref);
                exchange.close();
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/effect";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
