package io.taskmesh.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Reads and writes the real Kafka topics from a test: watch a topic from its current end, publish
 * CloudEvents (binary mode) or raw bytes, and wait for a record that matches.
 */
public final class KafkaProbe implements AutoCloseable {

    /** A consumed record with its CloudEvent attributes (the {@code ce_} headers). */
    public record Event(String topic, String key, String value, Map<String, String> headers) {
        public String type() {
            return headers.get("ce_type");
        }

        public String id() {
            return headers.get("ce_id");
        }

        public String subject() {
            return headers.get("ce_subject");
        }
    }

    private final KafkaConsumer<String, String> consumer;
    private final List<Event> seen = new ArrayList<>();

    private KafkaProbe(List<String> topics) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /** Starts watching {@code topics} from now on. */
    public static KafkaProbe watch(String... topics) {
        return new KafkaProbe(List.of(topics));
    }

    public static String bootstrap() {
        String servers = System.getenv("TASKMESH_KAFKA");
        return servers == null || servers.isBlank() ? "127.0.0.1:9092" : servers;
    }

    /** Creates a topic of one partition for a test, unless it exists already. */
    public static void createTopic(String topic) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", bootstrap()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1))).all().get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw e;
            }
        }
    }

    /** Waits until a record matching {@code match} has arrived on a watched topic. */
    public Event await(Predicate<Event> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Event e : seen) {
            if (match.test(e)) {
                return e;
            }
        }
        while (System.nanoTime() < deadline) {
            // keep the whole batch: records after the match are what the next await looks for
            for (Event e : poll()) {
                if (match.test(e)) {
                    return e;
                }
            }
        }
        throw new AssertionError("no matching record within " + timeout + "; saw " + seen.size() + " records: "
                + seen.stream().map(e -> e.topic() + " " + e.type() + " " + e.key()).toList());
    }

    /**
     * Reads what arrives for {@code duration}, so that {@link #seen} then holds it: how a test checks that
     * something did <em>not</em> happen within a while.
     */
    public KafkaProbe watchFor(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            poll();
        }
        return this;
    }

    private List<Event> poll() {
        List<Event> batch = new ArrayList<>();
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            Map<String, String> headers = new HashMap<>();
            for (Header h : r.headers()) {
                headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
            }
            batch.add(new Event(r.topic(), r.key(), r.value(), headers));
        }
        seen.addAll(batch);
        return batch;
    }

    /** Everything seen so far that matches. */
    public List<Event> seen(Predicate<Event> match) {
        return seen.stream().filter(match).toList();
    }

    /** Publishes a CloudEvent in binary mode, as Taskmesh's services do. */
    public static void publishCloudEvent(String topic, String key, String id, String type, String subject, String data) {
        Map<String, String> headers = new HashMap<>();
        headers.put("ce_specversion", "1.0");
        headers.put("ce_id", id);
        headers.put("ce_type", type);
        headers.put("ce_source", "urn:taskmesh:test");
        if (subject != null) {
            headers.put("ce_subject", subject);
        }
        headers.put("content-type", "application/json");
        publish(topic, key, data, headers);
    }

    /** Publishes a record with the given headers, whatever its content. */
    public static void publish(String topic, String key, String value, Map<String, String> headers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
            headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic, e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
