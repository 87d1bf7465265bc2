package io.taskmesh.e2e;

import com.sun.net.httpserver.HttpServer;
import io.taskmesh.events.EventJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/** An HTTP endpoint on loopback that records every webhook it receives. */
final class WebhookReceiver implements AutoCloseable {

    /** A webhook as it arrived, at {@code at} (epoch milliseconds). */
    record Received(Map<String, List<String>> headers, String body, long at) {

        String webhookId() {
            List<String> ids = headers.get("Webhook-id");
            return ids == null || ids.isEmpty() ? null : ids.getFirst();
        }

        /**
         * When the sender signed it (its {@code webhook-timestamp}, whole seconds, in epoch milliseconds): when it
         * was sent, whenever this receiver got round to it.
         */
        long signedAt() {
            List<String> timestamps = headers.get("Webhook-timestamp");
            return timestamps == null || timestamps.isEmpty() ? Long.MAX_VALUE : Long.parseLong(timestamps.getFirst()) * 1000;
        }

        String runId() {
            return EventJson.readTree(body).path("data").path("runId").asText();
        }
    }

    private final HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // each webhook on its own thread: one dispatcher thread took them one by one, seconds late under load
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body, System.currentTimeMillis()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    /** The webhooks received so far, by the run they are about. */
    Map<String, List<Received>> byRun() {
        return received.stream().collect(Collectors.groupingBy(Received::runId));
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
