package io.taskmesh.executor.run;

import static org.assertj.core.api.Assertions.assertThat;

import static io.taskmesh.executor.ExecutorRuns.events;
import static io.taskmesh.executor.ExecutorRuns.request;

import io.quarkus.test.junit.QuarkusTest;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.EventSchemas;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunNotification;
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

    @Test
    void aNotifyStepPublishesItsMessageOnceTheBrokerHasItAndTheSameStepAgainPublishesTheSameEvent() {
        String runId = UUID.randomUUID().toString();
        String definition = """
                {"name":"report","objective":"Report","steps":[
                  {"id":"total","action":"transform","expression":"inputs.x * 2"},
                  {"id":"tell","action":"notify","channel":"slack","message":"Total for {{ inputs.city }}: {{ steps.total.output }}",
                   "data":{"total":"{{ steps.total.output }}"}}]}""";
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.NOTIFICATIONS)) {
            request(runId, definition, "{\"x\":21,\"city\":\"Lyon\"}");

            RunEvent done = events(probe, runId, RunStatus.SUCCEEDED).getLast();
            KafkaProbe.Event sent = probe.await(e -> e.topic().equals(Topics.NOTIFICATIONS) && runId.equals(e.key()),
                    Duration.ofSeconds(30));

            assertThat(sent.type()).isEqualTo(RunNotification.TYPE);
            assertThat(EventSchemas.violations(sent.type(), EventJson.readTree(sent.value()))).isEmpty();
            RunNotification notification = EventJson.read(sent.value(), RunNotification.class);
            assertThat(notification.message()).isEqualTo("Total for Lyon: 42");
            assertThat(notification.channel()).isEqualTo("slack");
            assertThat(notification.data().path("total").asInt()).isEqualTo(42);
            assertThat(notification.step()).isEqualTo("tell");
            assertThat(done.result().path("sent").asBoolean()).isTrue();
            assertThat(done.result().path("id").asText()).isEqualTo(sent.id());

            // the same attempt requested again (say, after its executor died): the same event, delivered once
            RunRequest again = new RunRequest("acme", runId, "task", 1, 1, 7, EventJson.readTree(definition),
                    EventJson.readTree("{\"x\":21,\"city\":\"Lyon\"}"), null, null);
            KafkaProbe.publishCloudEvent(Topics.RUN_REQUESTS, runId, UUID.randomUUID().toString(), RunRequest.TYPE, runId,
                    EventJson.write(again));
            probe.await(e -> runId.equals(e.key()) && e.topic().equals(Topics.RUN_EVENTS)
                    && EventJson.readTree(e.value()).path("seq").asLong() == 9, Duration.ofSeconds(30));
            probe.watchFor(Duration.ofSeconds(1));
            assertThat(probe.seen(e -> e.topic().equals(Topics.NOTIFICATIONS) && runId.equals(e.key())))
                    .extracting(KafkaProbe.Event::id).containsExactly(sent.id(), sent.id());
        }
    }
}
