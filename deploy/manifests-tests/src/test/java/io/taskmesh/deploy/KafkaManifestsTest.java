package io.taskmesh.deploy;

import static io.taskmesh.deploy.Rendered.name;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskmesh.events.Topics;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Topics and Kafka users as the code uses them: names from Topics, ACLs from each service's channels. */
class KafkaManifestsTest {

    /** The topics event triggers may read on Kubernetes, by prefix (docs/adr/0005-event-triggers.md). */
    static final String EVENT_TRIGGER_TOPICS = "events.";

    static Set<String> expectedTopics() {
        Set<String> topics = new TreeSet<>();
        for (String topic : Topics.ALL) {
            topics.add(topic);
            topics.add(Topics.deadLetter(topic));
        }
        topics.add(Topics.EVENT_TRIGGERS_DLQ);
        return topics;
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void oneTopicPerTopicOfTheContractsAndItsDeadLetterTopic(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        JsonNode kafka = r.get("Kafka", "taskmesh");
        int brokers = 0;
        for (JsonNode pool : r.of("KafkaNodePool")) {
            assertThat(pool.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isEqualTo(name(kafka));
            if (pool.path("spec").path("roles").toString().contains("broker")) {
                brokers += pool.path("spec").path("replicas").asInt();
            }
        }
        Set<String> topics = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode t : r.of("KafkaTopic")) {
            String topic = t.path("spec").path("topicName").asText(name(t));
            topics.add(topic);
            if (!t.path("metadata").path("labels").path("strimzi.io/cluster").asText().equals(name(kafka))) {
                problems.add(topic + " is not labelled for the Kafka cluster " + name(kafka));
            }
            int replicas = t.path("spec").path("replicas").asInt();
            int minIsr = t.path("spec").path("config").path("min.insync.replicas").asInt(1);
            if (replicas > brokers || minIsr > replicas || replicas < 1) {
                problems.add(topic + ": " + replicas + " replicas, min.insync.replicas " + minIsr + ", on " + brokers + " brokers");
            }
        }
        assertThat(topics).as("KafkaTopics in deploy/k8s/" + overlay).isEqualTo(expectedTopics());
        JsonNode definitions = r.get("KafkaTopic", Topics.TASK_DEFINITIONS);
        assertThat(definitions.path("spec").path("config").path("cleanup.policy").asText())
                .as("task definitions are snapshots: compacted").isEqualTo("compact");
        JsonNode config = kafka.path("spec").path("kafka").path("config");
        if (config.path("default.replication.factor").asInt(1) > brokers
                || config.path("offsets.topic.replication.factor").asInt(1) > brokers
                || config.path("transaction.state.log.replication.factor").asInt(1) > brokers) {
            problems.add("Kafka replication factors exceed the " + brokers + " brokers: " + config);
        }
        if (config.path("auto.create.topics.enable").asBoolean(true)) {
            problems.add("topics must come from KafkaTopic resources: auto.create.topics.enable must be false");
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/prod"})
    void eachServiceUserMayDoExactlyWhatItsChannelsAndOutboxDo(String overlay) throws Exception {
        Rendered r = Rendered.overlay(overlay);
        for (String service : Repo.SERVICES) {
            JsonNode user = r.get("KafkaUser", service);
            assertThat(user.path("spec").path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
            Set<String> granted = new TreeSet<>();
            for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
                JsonNode res = acl.path("resource");
                for (JsonNode op : acl.path("operations")) {
                    if (!op.asText().equals("Describe")) {
                        granted.add(res.path("type").asText() + ":" + res.path("name").asText() + ":"
                                + res.path("patternType").asText("literal") + ":" + op.asText());
                    }
                }
            }
            assertThat(granted).as("ACLs of KafkaUser %s in deploy/k8s/%s", service, overlay).isEqualTo(expectedAcls(service));
        }
    }

    /**
     * Read on each incoming topic, Write on its dead-letter topic, each outgoing topic and each outbox topic
     * (the run-request topics of agent pools by prefix); for event triggers, Read on their topics and Write on
     * their dead-letter topic.
     */
    static Set<String> expectedAcls(String service) throws Exception {
        Properties p = Repo.applicationProperties(service);
        Set<String> acls = new TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("%")) {
                continue;
            }
            if (key.matches("mp\\.messaging\\.incoming\\.[^.]+\\.topic")) {
                acls.add("topic:" + p.getProperty(key) + ":literal:Read");
            } else if (key.matches("mp\\.messaging\\.incoming\\.[^.]+\\.dead-letter-queue\\.topic")) {
                acls.add("topic:" + p.getProperty(key) + ":literal:Write");
            } else if (key.matches("mp\\.messaging\\.outgoing\\.[^.]+\\.topic")) {
                acls.add("topic:" + p.getProperty(key) + ":literal:Write");
            }
        }
        for (String constant : Repo.outboxTopicConstants(service)) {
            Field field = Topics.class.getField(constant);
            acls.add("topic:" + field.get(null) + ":literal:Write");
        }
        // run requests go to taskmesh.run-requests or to taskmesh.run-requests.<pool>: one prefix covers both
        if (Repo.writesRunRequestsOfPools(service)) {
            acls.add("topic:" + Topics.RUN_REQUESTS + ":prefix:Write");
        }
        // event triggers read the topics task definitions name: on Kubernetes those under events.
        if (Repo.mentions(service, "Topics.EVENT_TRIGGERS_DLQ")) {
            acls.add("topic:" + Topics.EVENT_TRIGGERS_DLQ + ":literal:Write");
            acls.add("topic:" + EVENT_TRIGGER_TOPICS + ":prefix:Read");
        }
        // consumer groups are named after the service (kafka.group.id), live views add a suffix
        acls.add("group:" + service + ":prefix:Read");
        return acls;
    }
}
