package io.taskmesh.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskmesh.events.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class KafkaTopicsTest {

    @Test
    void everyTopicHasADeadLetterTopicAndDefinitionsAreCompacted() {
        var topics = KafkaTopics.desired(6);

        assertThat(topics).extracting(NewTopic::name)
                .contains(Topics.RUN_EVENTS, "taskmesh.run-events.dlq", Topics.RUN_COMMANDS, "taskmesh.run-commands.dlq",
                        Topics.EVENT_TRIGGERS_DLQ)
                .hasSize(Topics.ALL.size() * 2 + 1);
        assertThat(topics).filteredOn(t -> t.name().equals(Topics.TASK_DEFINITIONS)).singleElement()
                .satisfies(t -> assertThat(t.configs()).containsEntry("cleanup.policy", "compact"));
        assertThat(topics).filteredOn(t -> t.name().equals(Topics.RUN_EVENTS)).singleElement()
                .satisfies(t -> assertThat(t.numPartitions()).isEqualTo(6));
    }
}
