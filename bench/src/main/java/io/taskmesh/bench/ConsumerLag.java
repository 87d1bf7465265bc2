package io.taskmesh.bench;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a service's consumer group is behind the end of a topic: a benchmark that measures from the moment an
 * event is published waits until the service has read what was there before (other benchmarks', tests'), or its
 * first figures would be the backlog's.
 */
final class ConsumerLag {

    private ConsumerLag() {
    }

    static long lag(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get()
                .get(topic).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
        long lag = 0;
        for (var end : ends.entrySet()) {
            OffsetAndMetadata at = committed.get(end.getKey());
            lag += end.getValue().offset() - (at == null ? 0 : at.offset());
        }
        return lag;
    }

    /** Waits until {@code group} has read {@code topic} to its end, or {@code timeout}; returns the lag left. */
    static long awaitCaughtUp(String bootstrap, String group, String topic, Duration timeout, Consumer<String> progress)
            throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            long lag = lag(admin, group, topic);
            long lastReport = 0;
            while (lag > 0 && System.nanoTime() < deadline) {
                if (System.nanoTime() - lastReport > Duration.ofSeconds(15).toNanos()) {
                    lastReport = System.nanoTime();
                    progress.accept("%s is %,d records behind on %s; waiting for it to catch up".formatted(group, lag, topic));
                }
                Thread.sleep(1000);
                lag = lag(admin, group, topic);
            }
            return lag;
        }
    }
}
