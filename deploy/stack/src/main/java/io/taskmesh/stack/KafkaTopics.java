package io.taskmesh.stack;

import io.taskmesh.events.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates Taskmesh's topics and their dead-letter topics when they are missing: the run topics with
 * enough partitions for several consumers, task definitions compacted (latest snapshot per task).
 *
 * <p>Usage: {@code KafkaTopics <bootstrap-servers> [partitions]}
 */
public final class KafkaTopics {

    private KafkaTopics() {
    }

    public static List<NewTopic> desired(int partitions) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : Topics.ALL) {
            NewTopic topic = new NewTopic(name, partitions, (short) 1);
            if (name.equals(Topics.TASK_DEFINITIONS)) {
                topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            topics.add(topic);
            topics.add(new NewTopic(Topics.deadLetter(name), 1, (short) 1));
        }
        topics.add(new NewTopic(Topics.EVENT_TRIGGERS_DLQ, 1, (short) 1));
        return topics;
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = desired(partitions).stream().filter(t -> !existing.contains(t.name())).toList();
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                }
            }
            System.out.println("Kafka topics ready: " + missing.size() + " created, "
                    + (desired(partitions).size() - missing.size()) + " already there");
        }
    }
}
