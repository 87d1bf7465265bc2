package io.taskmesh.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code --schedules} cron schedules, each firing once a minute, spread over the seconds of the minute
 * ({@code S * * * * ?} with S = i mod 60), stored straight into the scheduler's tables as the task-definitions
 * consumer stores them: one task of the tenant {@code bench-schedules} whose agent names a pool nobody serves, so
 * that the runs wait QUEUED and only the scheduler works. For {@code --minutes} whole minutes, measures the fire
 * lag two ways: to the run's creation in the scheduler's database (what the scheduler did) and to its QUEUED event
 * on {@code taskmesh.run-events} (what a consumer sees, the outbox relay included); and the scheduler's CPU.
 * Everything it stored and every run it caused is deleted afterwards.
 */
final class SchedulesBench {

    static final String TENANT = "bench-schedules";
    private static final Pattern FIRE_TIME = Pattern.compile("\"origin\":\"trigger:[^\"@]*@([^\"]+)\"");

    record Result(int schedules, int minutes, long fireTimesDue, long fired, long missing, Latency lagToRun,
            long eventsSeen, Latency lagToEvent, double schedulerCpuCores) {
    }

    private final Endpoints endpoints;
    private final ServiceMemory services;
    private final Consumer<String> progress;

    SchedulesBench(Endpoints endpoints, Consumer<String> progress) {
        this.endpoints = endpoints;
        this.services = new ServiceMemory(endpoints.state());
        this.progress = progress;
    }

    Result measure(int schedules, int minutes) throws Exception {
        UUID task = UUID.randomUUID();
        try (Connection db = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword());
                EventLag events = new EventLag(endpoints.kafka())) {
            try {
                // the first measured minute starts on the next minute that begins at least 30 s after the insert
                Instant firstMinute = Instant.now().plusSeconds(90).truncatedTo(ChronoUnit.MINUTES);
                store(db, task, schedules, firstMinute);
                Instant end = firstMinute.plus(Duration.ofMinutes(minutes));
                events.from(firstMinute, end);
                progress.accept("%,d schedules stored; measuring the fire times from %s to %s".formatted(schedules,
                        firstMinute, end));
                waitUntil(firstMinute);
                Double cpuBefore = services.cpuSeconds("task-scheduler");
                long wallBefore = System.nanoTime();
                waitUntil(end.plusSeconds(1));
                Double cpuAfter = services.cpuSeconds("task-scheduler");
                double cores = cpuBefore == null || cpuAfter == null ? Double.NaN
                        : (cpuAfter - cpuBefore) / ((System.nanoTime() - wallBefore) / 1e9);
                // fire times late by more than the window are counted as missing, not waited for forever
                progress.accept("waiting up to 60 s for late fire times");
                long due = (long) schedules * minutes;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (fired(db, task, firstMinute, end) < due && System.nanoTime() < deadline) {
                    Thread.sleep(1000);
                }
                events.await(due, Duration.ofSeconds(10));
                Histogram toRun = lagToRun(db, task, firstMinute, end);
                long fired = toRun.getTotalCount();
                return new Result(schedules, minutes, due, fired, due - fired, Latency.of(toRun),
                        events.seen(), Latency.of(events.lag()), Math.round(cores * 100) / 100.0);
            } finally {
                progress.accept("deleting the schedules and the runs they caused");
                clean(db, task);
            }
        }
    }

    private void store(Connection db, UUID task, int schedules, Instant firstMinute) throws SQLException {
        clean(db, null);
        String definition = "{\"name\":\"bench-schedules\",\"objective\":\"Benchmark: fire on time\","
                + "\"agent\":{\"type\":\"llm\",\"pool\":\"bench-schedules\"}}";
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO task_scheduler.task_definition"
                + " (task_id, tenant, name, version, state, definition, changed_at) VALUES (?, ?, 'bench-schedules', 1,"
                + " 'active', ?, now())")) {
            insert.setObject(1, task);
            insert.setString(2, TENANT);
            insert.setString(3, definition);
            insert.executeUpdate();
        }
        // trigger i fires at second (i mod 60) of every minute, first at the next such second at least 5 s away: the
        // scheduler fires at full rate for 30 to 90 s before the measured minutes, and finds no fire time already
        // past (those would all be due at once, a backlog of up to a minute's worth on a scheduler just started)
        try (PreparedStatement insert = db.prepareStatement("""
                INSERT INTO task_scheduler.time_trigger (id, task_id, position, spec, next_fire_at, created_at)
                SELECT gen_random_uuid(), ?, g, '{"type":"schedule","cron":"' || (g % 60) || ' * * * * ?"}',
                       at + CASE WHEN at < now() + interval '5 seconds' THEN interval '1 minute' ELSE interval '0' END, now()
                FROM generate_series(0, ? - 1) g,
                     LATERAL (SELECT CAST(? AS timestamptz) + make_interval(secs => g % 60) AS at) first""")) {
            insert.setObject(1, task);
            insert.setInt(2, schedules);
            insert.setTimestamp(3, Timestamp.from(firstMinute.minus(Duration.ofMinutes(1))));
            insert.executeUpdate();
        }
    }

    private static long fired(Connection db, UUID task, Instant from, Instant to) throws SQLException {
        try (PreparedStatement count = db.prepareStatement("""
                SELECT count(*) FROM task_scheduler.trigger_fire f JOIN task_scheduler.time_trigger t ON t.id = f.trigger_id
                WHERE t.task_id = ? AND f.fire_time >= ? AND f.fire_time < ?""")) {
            count.setObject(1, task);
            count.setTimestamp(2, Timestamp.from(from));
            count.setTimestamp(3, Timestamp.from(to));
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** From each fire time to the creation of its run, as the scheduler stored it. */
    private static Histogram lagToRun(Connection db, UUID task, Instant from, Instant to) throws SQLException {
        Histogram lag = new Histogram(3_600_000_000L, 3);
        try (PreparedStatement query = db.prepareStatement("""
                SELECT (extract(epoch FROM r.created_at - f.fire_time) * 1000000)::bigint
                FROM task_scheduler.trigger_fire f JOIN task_scheduler.time_trigger t ON t.id = f.trigger_id
                JOIN task_scheduler.run r ON r.id = f.run_id
                WHERE t.task_id = ? AND f.fire_time >= ? AND f.fire_time < ?""")) {
            query.setObject(1, task);
            query.setTimestamp(2, Timestamp.from(from));
            query.setTimestamp(3, Timestamp.from(to));
            query.setFetchSize(10_000);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    lag.recordValue(Math.max(0, rs.getLong(1)));
                }
            }
        }
        return lag;
    }

    private static void clean(Connection db, UUID task) throws SQLException {
        for (String sql : List.of(
                "DELETE FROM task_scheduler.time_trigger WHERE task_id IN (SELECT task_id FROM task_scheduler.task_definition WHERE tenant = ?)",
                "DELETE FROM task_scheduler.trigger_fire f WHERE f.run_id IN (SELECT id FROM task_scheduler.run WHERE tenant = ?)",
                "DELETE FROM task_scheduler.run WHERE tenant = ?",
                "DELETE FROM task_scheduler.task_definition WHERE tenant = ?")) {
            try (PreparedStatement delete = db.prepareStatement(sql)) {
                delete.setString(1, TENANT);
                delete.executeUpdate();
            }
        }
    }

    private static void waitUntil(Instant when) throws InterruptedException {
        long ms = Duration.between(Instant.now(), when).toMillis();
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    /**
     * Follows {@code taskmesh.run-events} from its end, without a consumer group, and records for each QUEUED
     * event of a run the benchmark's triggers fired in the window the time from its fire time (in its origin)
     * to the moment it was polled.
     */
    private static final class EventLag implements AutoCloseable {

        private final KafkaConsumer<String, String> consumer;
        private final Histogram lag = new Histogram(3_600_000_000L, 3);
        private final AtomicLong seen = new AtomicLong();
        private volatile Instant from = Instant.MAX;
        private volatile Instant to = Instant.MIN;
        private volatile boolean running = true;
        private final Thread thread;

        EventLag(String bootstrap) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, "taskmesh-bench-schedules");
            consumer = new KafkaConsumer<>(props);
            List<TopicPartition> partitions = consumer.partitionsFor("taskmesh.run-events", Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            thread = Thread.ofPlatform().name("schedules-events").daemon().start(this::consume);
        }

        void from(Instant from, Instant to) {
            this.from = from;
            this.to = to;
        }

        private void consume() {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(100));
                long now = Instant.now().toEpochMilli() * 1000;
                for (ConsumerRecord<String, String> record : records) {
                    Header type = record.headers().lastHeader("ce_type");
                    if (type == null || !"io.taskmesh.run.queued.v1".equals(new String(type.value(), StandardCharsets.UTF_8))
                            || !record.value().contains("\"tenant\":\"" + TENANT + "\"")) {
                        continue;
                    }
                    Matcher m = FIRE_TIME.matcher(record.value());
                    if (!m.find()) {
                        continue;
                    }
                    Instant fireTime = Instant.parse(m.group(1));
                    if (fireTime.isBefore(from) || !fireTime.isBefore(to)) {
                        continue;
                    }
                    long micros = now - fireTime.toEpochMilli() * 1000;
                    synchronized (lag) {
                        lag.recordValue(Math.max(0, Math.min(micros, lag.getHighestTrackableValue())));
                    }
                    seen.incrementAndGet();
                }
            }
            consumer.close(Duration.ofSeconds(5));
        }

        void await(long count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (seen.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        }

        long seen() {
            return seen.get();
        }

        Histogram lag() {
            synchronized (lag) {
                return lag.copy();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }
}
