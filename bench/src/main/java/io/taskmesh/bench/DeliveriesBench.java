package io.taskmesh.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Webhook deliveries: one subscription of the tenant {@code bench-deliveries} (stored straight into the
 * notification-service's table) to SUCCEEDED runs of its task, a receiver in this JVM that answers 200 at once,
 * and {@code count} run events published on {@code taskmesh.run-events} at {@code rate} a second (0: as fast as
 * the producer goes). Measures deliveries per second and the time from an event's publication to its delivery.
 * The subscription and its deliveries are deleted afterwards.
 */
final class DeliveriesBench {

    static final String TENANT = "bench-deliveries";

    record Result(int events, int rate, long delivered, long duplicates, double seconds, double deliveriesPerSecond,
            Latency eventToDelivery) {
    }

    private final Endpoints endpoints;
    private final Consumer<String> progress;

    DeliveriesBench(Endpoints endpoints, Consumer<String> progress) {
        this.endpoints = endpoints;
        this.progress = progress;
    }

    Result measure(int count, int rate, Duration drain) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Boolean> received = new ConcurrentHashMap<>();
        Histogram latency = new Histogram(3_600_000_000L, 3);
        AtomicLong duplicates = new AtomicLong();
        AtomicLong lastDelivery = new AtomicLong();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/hook", exchange -> {
            long now = System.nanoTime();
            exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            Long sent = id == null ? null : sentAt.get(id);
            if (sent == null) {
                return;
            }
            if (received.putIfAbsent(id, true) != null) {
                duplicates.incrementAndGet();
                return;
            }
            synchronized (latency) {
                latency.recordValue(Math.max(0, (now - sent) / 1000));
            }
            lastDelivery.set(now);
        });
        receiver.start();
        String task = "bench-deliveries";
        UUID subscription = UUID.randomUUID();
        try (Connection db = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword());
                KafkaProducer<String, String> producer = producer()) {
            try {
                long behind = ConsumerLag.awaitCaughtUp(endpoints.kafka(), "notification-service", "taskmesh.run-events",
                        Duration.ofMinutes(10), progress);
                if (behind > 0) {
                    throw new IllegalStateException("notification-service is still " + behind
                            + " run events behind after 10 minutes: the figures would be the backlog's");
                }
                subscribe(db, subscription, task, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
                // the service reads subscriptions at each event: none is cached, so it is in force at once
                progress.accept("publishing %,d run events%s".formatted(count, rate > 0 ? " at " + rate + "/s" : ""));
                long started = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    if (rate > 0) {
                        long due = started + (long) (i * (1e9 / rate));
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                    String runId = UUID.randomUUID().toString();
                    String eventId = UUID.randomUUID().toString();
                    sentAt.put(eventId, System.nanoTime());
                    producer.send(record(runId, eventId, task));
                }
                producer.flush();
                long deadline = System.nanoTime() + drain.toNanos();
                while (received.size() < count && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                double seconds = (lastDelivery.get() - started) / 1e9;
                return new Result(count, rate, received.size(), duplicates.get(), Math.round(seconds * 100) / 100.0,
                        seconds > 0 ? Math.round(received.size() / seconds * 10) / 10.0 : 0, Latency.of(latency));
            } finally {
                progress.accept("deleting the subscription and its deliveries");
                for (String sql : List.of("DELETE FROM notification.delivery WHERE subscription_id = ?",
                        "DELETE FROM notification.subscription WHERE id = ?")) {
                    try (PreparedStatement delete = db.prepareStatement(sql)) {
                        delete.setObject(1, subscription);
                        delete.executeUpdate();
                    }
                }
                receiver.stop(0);
            }
        }
    }

    private static void subscribe(Connection db, UUID id, String task, String url) throws SQLException {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO notification.subscription"
                + " (id, tenant, task_name, statuses, channel, url, secret, created_at, created_by)"
                + " VALUES (?, ?, ?, 'SUCCEEDED', 'webhook', ?, ?, now(), 'bench')")) {
            insert.setObject(1, id);
            insert.setString(2, TENANT);
            insert.setString(3, task);
            insert.setString(4, url);
            insert.setString(5, "whsec_" + Base64.getEncoder().encodeToString(key));
            insert.executeUpdate();
        }
    }

    private KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafka());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(props);
    }

    /** A SUCCEEDED run event in CloudEvents binary mode, as the executors publish it. */
    private static ProducerRecord<String, String> record(String runId, String eventId, String task) {
        String at = Instant.now().toString();
        String data = "{\"tenant\":\"" + TENANT + "\",\"runId\":\"" + runId + "\",\"task\":\"" + task
                + "\",\"version\":1,\"status\":\"SUCCEEDED\",\"seq\":3,\"attempt\":1,\"result\":1,\"at\":\"" + at + "\"}";
        ProducerRecord<String, String> record = new ProducerRecord<>("taskmesh.run-events", runId, data);
        header(record, "ce_specversion", "1.0");
        header(record, "ce_id", eventId);
        header(record, "ce_source", "/taskmesh/bench");
        header(record, "ce_type", "io.taskmesh.run.succeeded.v1");
        header(record, "ce_subject", runId);
        header(record, "ce_time", at);
        header(record, "content-type", "application/json");
        return record;
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
    }
}
