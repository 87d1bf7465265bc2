package io.taskmesh.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What this machine can do at most, with the same PostgreSQL and Kafka as the platform: commits per second
 * of one small insert per transaction over JDBC, and records per second produced with {@code acks=all}.
 * Every run needs several of each, so these bound the platform's throughput from above.
 */
final class MachineLimits {

    static final String SCHEMA = "taskmesh_bench";
    private static final String TOPIC = "taskmesh.bench-limits";
    /** About the size of a run event on the wire: the record the platform writes most. */
    private static final int RECORD_BYTES = 400;

    record Result(int seconds, double pgCommitsPerSecondOneConnection, int connections, double pgCommitsPerSecond,
            double kafkaRecordsPerSecond, int kafkaRecordBytes, Map<String, String> postgresSettings) {

        double pgBest() {
            return Math.max(pgCommitsPerSecondOneConnection, pgCommitsPerSecond);
        }
    }

    private final Endpoints endpoints;

    MachineLimits(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    Result measure(int seconds, int connections) throws Exception {
        Map<String, String> settings = prepareSchema();
        double one = postgresCommits(1, seconds);
        double many = postgresCommits(connections, seconds);
        double kafka = kafkaRecords(seconds);
        return new Result(seconds, one, connections, many, kafka, RECORD_BYTES, settings);
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword());
    }

    /** The benchmark's own schema, beside the services' ones; answers the settings that bound commits. */
    private Map<String, String> prepareSchema() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("create schema if not exists " + SCHEMA);
            s.execute("create table if not exists " + SCHEMA + ".commit_probe"
                    + " (id bigserial primary key, at timestamptz not null default now(), payload text not null)");
            s.execute("truncate " + SCHEMA + ".commit_probe");
            Map<String, String> settings = new LinkedHashMap<>();
            for (String name : List.of("server_version", "fsync", "synchronous_commit", "wal_sync_method", "commit_delay")) {
                try (ResultSet r = s.executeQuery("show " + name)) {
                    r.next();
                    settings.put(name, r.getString(1));
                }
            }
            return settings;
        }
    }

    private double postgresCommits(int connections, int seconds) throws Exception {
        LongAdder commits = new LongAdder();
        long warmup = warmupNanos(seconds);
        long begin = System.nanoTime();
        long from = begin + warmup;
        long to = from + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> threads = new ArrayList<>();
        List<Exception> errors = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            threads.add(Thread.ofPlatform().name("pg-commits-" + i).start(() -> {
                try (Connection c = connect();
                        PreparedStatement insert = c.prepareStatement("insert into " + SCHEMA + ".commit_probe (payload) values (?)")) {
                    c.setAutoCommit(true);
                    long now;
                    while ((now = System.nanoTime()) < to) {
                        insert.setString(1, "run " + now);
                        insert.executeUpdate();
                        if (now >= from) {
                            commits.increment();
                        }
                    }
                } catch (Exception e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("PostgreSQL at " + endpoints.jdbcUrl() + ": " + errors.getFirst().getMessage(),
                    errors.getFirst());
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("truncate " + SCHEMA + ".commit_probe");
        }
        return commits.sum() / (double) seconds;
    }

    private double kafkaRecords(int seconds) throws Exception {
        Properties common = new Properties();
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafka());
        try (Admin admin = Admin.create(common)) {
            try {
                // as many partitions as the platform's topics (bin/taskmesh up makes six)
                admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            try {
                return produce(seconds);
            } finally {
                admin.deleteTopics(List.of(TOPIC)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private double produce(int seconds) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafka());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "taskmesh-bench-limits");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        String value = "x".repeat(RECORD_BYTES);
        LongAdder acked = new LongAdder();
        LongAdder failed = new LongAdder();
        long begin = System.nanoTime();
        long from = begin + warmupNanos(seconds);
        long to = from + TimeUnit.SECONDS.toNanos(seconds);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            while (System.nanoTime() < to) {
                ProducerRecord<String, String> record = new ProducerRecord<>(TOPIC, UUID.randomUUID().toString(), value);
                record.headers().add("ce_type", "io.taskmesh.bench.v1".getBytes(StandardCharsets.UTF_8));
                producer.send(record, (metadata, error) -> {
                    long now = System.nanoTime();
                    if (error != null) {
                        failed.increment();
                    } else if (now >= from && now < to) {
                        acked.increment();
                    }
                });
            }
            producer.flush();
        }
        if (acked.sum() == 0 && failed.sum() > 0) {
            throw new IllegalStateException("Kafka at " + endpoints.kafka() + " acknowledged no record");
        }
        return acked.sum() / (double) seconds;
    }

    /** A fifth of the measured time, at least one second and at most five, before counting. */
    private static long warmupNanos(int seconds) {
        return TimeUnit.MILLISECONDS.toNanos(Math.max(1000, Math.min(5000, seconds * 200L)));
    }
}
