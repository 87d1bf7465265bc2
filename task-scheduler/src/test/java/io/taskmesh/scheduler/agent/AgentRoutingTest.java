package io.taskmesh.scheduler.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.taskmesh.events.AgentChanged;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunCreateCommand;
import io.taskmesh.events.RunRequest;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * A tenant's default agent carries out the tasks that need an agent and name none, on the topic of the pool
 * it names; a task made only of automated steps goes to the executors, whatever the default agent is.
 */
@QuarkusTest
class AgentRoutingTest {

    private static final String SUMMARY = "{\"name\":\"summary\",\"objective\":\"Summarise the inputs\"}";
    private static final String DOUBLE = "{\"name\":\"double\",\"objective\":\"Double\","
            + "\"steps\":[{\"id\":\"calc\",\"action\":\"transform\",\"expression\":\"inputs.x * 2\"}]}";

    @Test
    void theDefaultAgentAndItsPoolAreForTasksThatNeedAnAgent() throws Exception {
        String tenant = "routing-" + UUID.randomUUID().toString().substring(0, 8);
        String pool = "workers-" + UUID.randomUUID().toString().substring(0, 8);
        String poolTopic = Topics.runRequests(pool);
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", KafkaProbe.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(poolTopic, 1, (short) 1))).all().get();
        }
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_REQUESTS, poolTopic)) {
            AgentChanged helper = new AgentChanged(tenant, "helper", EventJson.readTree("{\"pool\":\"" + pool + "\"}"),
                    true, false, Instant.now());

            // the agent's announcement and the run commands travel on different topics, and the consumers of a
            // fresh test instance may still be joining (they start from the end of their topics, so an
            // announcement made before missed them): it is made again until a task without steps reaches the
            // pool, which shows the scheduler knows the default agent
            KafkaProbe.Event routed = null;
            for (int i = 0; i < 30 && (routed == null || !routed.topic().equals(poolTopic)); i++) {
                KafkaProbe.publishCloudEvent(Topics.TASK_DEFINITIONS, helper.key(), UUID.randomUUID().toString(),
                        AgentChanged.TYPE, "helper", EventJson.write(helper));
                String runId = UUID.randomUUID().toString();
                publish(tenant, runId, SUMMARY);
                try {
                    routed = probe.await(e -> runId.equals(e.key()), Duration.ofSeconds(5));
                } catch (AssertionError notYet) {
                    continue;
                }
                if (!routed.topic().equals(poolTopic)) {
                    Thread.sleep(500);
                }
            }
            assertThat(routed).as("a run request of a task without steps").isNotNull();
            assertThat(routed.topic()).isEqualTo(poolTopic);
            assertThat(EventJson.read(routed.value(), RunRequest.class).definition().path("agent").path("pool").asText())
                    .isEqualTo(pool);

            String steps = UUID.randomUUID().toString();
            publish(tenant, steps, DOUBLE);
            KafkaProbe.Event plain = probe.await(e -> steps.equals(e.key()), Duration.ofSeconds(30));
            assertThat(plain.topic()).isEqualTo(Topics.RUN_REQUESTS);
            assertThat(EventJson.read(plain.value(), RunRequest.class).definition().has("agent")).isFalse();
        }
    }

    private static void publish(String tenant, String runId, String definition) {
        RunCreateCommand command = new RunCreateCommand(tenant, "t", runId, 1, EventJson.readTree(definition),
                EventJson.readTree("{\"x\":1}"), null, "alice");
        KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, runId, UUID.randomUUID().toString(), RunCreateCommand.TYPE,
                runId, EventJson.write(command));
    }
}
