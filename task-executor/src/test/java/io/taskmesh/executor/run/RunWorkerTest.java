package io.taskmesh.executor.run;

import static org.assertj.core.api.Assertions.assertThat;

import static io.taskmesh.executor.ExecutorRuns.events;
import static io.taskmesh.executor.ExecutorRuns.request;

import io.quarkus.test.junit.QuarkusTest;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunRequest;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RunWorkerTest {

    @Test
    void aRequestRunsItsStepsAndAnnouncesRunningThenSucceededWithTheResult() {
        String runId = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            request(runId, """
                    {"name":"double","objective":"Double","resultSchema":{"type":"integer"},
                     "steps":[{"id":"calc","action":"transform","expression":"inputs.x * 2"}]}""", "{\"x\":21}");

            List<RunEvent> events = events(probe, runId, RunStatus.SUCCEEDED);

            assertThat(events).extracting(RunEvent::status).containsExactly(RunStatus.RUNNING, RunStatus.SUCCEEDED);
            assertThat(events).extracting(RunEvent::seq).containsExactly(2L, 3L);
            assertThat(events.get(1).result().asInt()).isEqualTo(42);
        }
    }

    @Test
    void aResultOfTheWrongTypeFailsTheRunWithTheReason() {
        String runId = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            request(runId, """
                    {"name":"double","objective":"Double","resultSchema":{"type":"string"},
                     "steps":[{"id":"calc","action":"transform","expression":"inputs.x * 2"}]}""", "{\"x\":21}");

            RunEvent failed = events(probe, runId, RunStatus.FAILED).getLast();

            assertThat(failed.error().code()).isEqualTo("result-invalid");
            assertThat(failed.result()).isNull();
        }
    }

    @Test
    void aMalformedRequestGoesToTheDeadLetterTopicAndTheNextOneRuns() {
        String runId = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.deadLetter(Topics.RUN_REQUESTS))) {
            KafkaProbe.publishCloudEvent(Topics.RUN_REQUESTS, runId, UUID.randomUUID().toString(), RunRequest.TYPE, runId,
                    "{\"tenant\":\"acme\",\"runId\":\"not-a-uuid\"}");
            request(runId, """
                    {"name":"double","objective":"Double","steps":[{"id":"calc","action":"transform","expression":"inputs.x * 2"}]}""",
                    "{\"x\":1}");

            KafkaProbe.Event dead = probe.await(e -> e.topic().endsWith(".dlq") && runId.equals(e.key()), Duration.ofSeconds(30));
            assertThat(dead.headers().get("dead-letter-reason")).contains("does not match its schema");
            assertThat(events(probe, runId, RunStatus.SUCCEEDED).getLast().result().asInt()).isEqualTo(2);
        }
    }
}
