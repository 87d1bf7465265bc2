package io.taskmesh.e2e;

import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows the run requests (on which partition each run's went, when) and the run events (when each run
 * started and succeeded, by the record's time) from now on, without a consumer group.
 */
final class RunFollower implements AutoCloseable {
    private static final Set<String> ENDS_OTHERWISE = java.util.Arrays.stream(RunStatus.values())
            .filter(s -> s.isTerminal() && !s.isSuccessful()).map(RunStatus::eventType).collect(Collectors.toSet());
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    final Map<String, Integer> partition = new ConcurrentHashMap<>();
    final Map<String, Long> requestedAt = new ConcurrentHashMap<>();
    final Map<String, Long> startedAt = new ConcurrentHashMap<>();
    final Map<String, Long> succeededAt = new ConcurrentHashMap<>();
    /** Runs that ended otherwise than SUCCEEDED, with the type of that event. */
    final Map<String, String> failed = new ConcurrentHashMap<>();

    RunFollower() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaProbe.bootstrap());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.RUN_REQUESTS, Topics.RUN_EVENTS)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread = Thread.ofPlatform().name("run-follower").start(this::follow);
    }

    private void follow() {
        try {
            while (true) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    String run = record.key();
                    String type = type(record);
                    if (record.topic().equals(Topics.RUN_REQUESTS)) {
                        partition.put(run, record.partition());
                        requestedAt.putIfAbsent(run, record.timestamp());
                    } else if (RunStatus.RUNNING.eventType().equals(type)) {
                        startedAt.putIfAbsent(run, record.timestamp());
                    } else if (RunStatus.SUCCEEDED.eventType().equals(type)) {
                        succeededAt.putIfAbsent(run, record.timestamp());
                    } else if (ENDS_OTHERWISE.contains(type)) {
                        failed.putIfAbsent(run, type);
                    }
                }
            }
        } catch (WakeupException closing) {
            consumer.close();
        }
    }

    boolean ended(String run) {
        return succeededAt.containsKey(run) || failed.containsKey(run);
    }

    private static String type(ConsumerRecord<String, String> record) {
        Header header = record.headers().lastHeader("ce_type");
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(5000);
    }
}
