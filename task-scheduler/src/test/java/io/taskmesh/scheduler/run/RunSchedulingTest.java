package io.taskmesh.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.EventSchemas;
import io.taskmesh.events.RunCreateCommand;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunRequest;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RunSchedulingTest {

    private static final String DEFINITION = """
            {"name":"double","objective":"Double a number","limits":{"maxDurationSeconds":60},
             "steps":[{"id":"calc","action":"transform","expression":"inputs.x * 2"}]}""";

    private static String command(String runId) {
        return EventJson.write(new RunCreateCommand("acme", "double", runId, 3, EventJson.readTree(DEFINITION),
                EventJson.readTree("{\"x\":21}"), null, "alice"));
    }

    @Test
    void aRunCommandBecomesOneQueuedEventAndOneRunRequestEvenWhenRepeated() {
        String runId = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.RUN_REQUESTS)) {
            String commandId = UUID.randomUUID().toString();
            KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, runId, commandId, RunCreateCommand.TYPE, runId, command(runId));
            // the same command delivered again (at-least-once) changes nothing
            KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, runId, commandId, RunCreateCommand.TYPE, runId, command(runId));

            KafkaProbe.Event request = probe.await(e -> e.topic().equals(Topics.RUN_REQUESTS) && runId.equals(e.key()),
                    Duration.ofSeconds(30));
            KafkaProbe.Event queued = probe.await(e -> e.topic().equals(Topics.RUN_EVENTS) && runId.equals(e.key()),
                    Duration.ofSeconds(30));

            assertThat(EventSchemas.violations(request.type(), EventJson.readTree(request.value()))).isEmpty();
            assertThat(EventSchemas.violations(queued.type(), EventJson.readTree(queued.value()))).isEmpty();
            RunRequest work = EventJson.read(request.value(), RunRequest.class);
            assertThat(work.attempt()).isEqualTo(1);
            assertThat(work.version()).isEqualTo(3);
            assertThat(work.inputs().get("x").asInt()).isEqualTo(21);
            assertThat(work.deadline()).isNotNull();
            RunEvent event = EventJson.read(queued.value(), RunEvent.class);
            assertThat(event.status()).isEqualTo(RunStatus.QUEUED);
            assertThat(event.seq()).isEqualTo(1);
            assertThat(queued.type()).isEqualTo("io.taskmesh.run.queued.v1");

            // a marker command behind the duplicate, on the same partition, proves the duplicate was consumed
            String marker = UUID.randomUUID().toString();
            KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, runId, UUID.randomUUID().toString(), RunCreateCommand.TYPE,
                    marker, command(marker));
            probe.await(e -> e.topic().equals(Topics.RUN_REQUESTS) && marker.equals(e.key()), Duration.ofSeconds(30));
            assertThat(probe.seen(e -> e.topic().equals(Topics.RUN_REQUESTS) && runId.equals(e.key()))).hasSize(1);
        }
    }

    @Test
    void aMalformedCommandGoesToTheDeadLetterTopicAndTheNextOneIsScheduled() {
        String runId = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.deadLetter(Topics.RUN_COMMANDS), Topics.RUN_REQUESTS)) {
            KafkaProbe.publish(Topics.RUN_COMMANDS, runId, "{garbage", Map.of("ce_id", "x", "ce_type", RunCreateCommand.TYPE,
                    "ce_specversion", "1.0", "ce_source", "urn:test"));
            KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, runId, UUID.randomUUID().toString(), RunCreateCommand.TYPE,
                    runId, "{\"tenant\":\"acme\"}");
            KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, runId, UUID.randomUUID().toString(), RunCreateCommand.TYPE,
                    runId, command(runId));

            KafkaProbe.Event notJson = probe.await(e -> e.topic().endsWith(".dlq") && runId.equals(e.key())
                    && e.value().equals("{garbage"), Duration.ofSeconds(30));
            KafkaProbe.Event incomplete = probe.await(e -> e.topic().endsWith(".dlq") && runId.equals(e.key())
                    && e.value().equals("{\"tenant\":\"acme\"}"), Duration.ofSeconds(30));
            probe.await(e -> e.topic().equals(Topics.RUN_REQUESTS) && runId.equals(e.key()), Duration.ofSeconds(30));
            assertThat(notJson.headers().get("dead-letter-reason")).contains("not JSON");
            assertThat(incomplete.headers().get("dead-letter-reason")).contains("task");
        }
    }
}
