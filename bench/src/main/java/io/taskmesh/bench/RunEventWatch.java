package io.taskmesh.bench;

import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows {@code taskmesh.run-events} from its end, without a consumer group (it takes nothing from the
 * services), and tells the tracker of the current phase when a run started and finished: the record key is
 * the run id, the CloudEvent type ({@code ce_type}) the status, so no payload is parsed.
 */
final class RunEventWatch implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private volatile Tracker tracker;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    RunEventWatch(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "taskmesh-bench-run-events");
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.RUN_EVENTS, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("Kafka at " + bootstrap + " has no topic " + Topics.RUN_EVENTS);
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // positions are resolved lazily: resolve them now, so that no event of a run started later is missed
        partitions.forEach(consumer::position);
        Thread.ofPlatform().name("run-events").daemon().start(this::consume);
    }

    /** From now on, events go to {@code phase}'s tracker. */
    void follow(Tracker phase) {
        tracker = phase;
    }

    private void consume() {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(200));
                long now = System.nanoTime();
                Tracker target = tracker;
                if (target == null) {
                    continue;
                }
                for (ConsumerRecord<String, byte[]> record : records) {
                    Header type = record.headers().lastHeader("ce_type");
                    if (type == null || record.key() == null) {
                        continue;
                    }
                    RunStatus status;
                    try {
                        status = RunStatus.fromEventType(new String(type.value(), StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException notAStatus) {
                        continue;
                    }
                    if (status == RunStatus.RUNNING) {
                        target.started(record.key(), now);
                    } else if (status.isTerminal()) {
                        target.finished(record.key(), now, status.isSuccessful());
                    }
                }
            }
        } catch (WakeupException closing) {
            // close() asked us to stop
        } finally {
            consumer.close(Duration.ofSeconds(5));
            stopped.countDown();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        stopped.await();
    }
}
