package io.taskmesh.scheduler.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.TaskDefinitionChanged;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class TriggerTest {

    @Inject
    Pool pool;

    private static void define(String taskId, String name, int version, String state, String triggers) {
        define(taskId, name, version, state, triggers, "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}");
    }

    private static void define(String taskId, String name, int version, String state, String triggers, String parameters) {
        String definition = """
                {"name":"%s","objective":"Tick","parameters":%s,"triggers":%s}""".formatted(name, parameters, triggers);
        KafkaProbe.publishCloudEvent(Topics.TASK_DEFINITIONS, taskId, UUID.randomUUID().toString(),
                TaskDefinitionChanged.TYPE, name, EventJson.write(new TaskDefinitionChanged("acme", taskId, name, version,
                        state, EventJson.readTree(definition), Instant.now())));
    }

    private static List<RunEvent> firstEvents(KafkaProbe probe, String task) {
        return probe.seen(e -> e.topic().equals(Topics.RUN_EVENTS)).stream()
                .map(e -> EventJson.read(e.value(), RunEvent.class))
                .filter(e -> e.task().equals(task) && e.origin() != null).toList();
    }

    @Test
    void aScheduleFiresEachSecondOnceWithItsInputsAndPausesWhenTheTaskIsDeactivated() throws Exception {
        String taskId = UUID.randomUUID().toString();
        String name = "tick-" + taskId.substring(0, 8);
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            define(taskId, name, 1, "active", "[{\"type\":\"schedule\",\"name\":\"every-second\",\"cron\":\"* * * * * *\",\"inputs\":{\"n\":7}}]");
            probe.await(e -> firstEvents(probe, name).size() >= 3, Duration.ofSeconds(20));

            List<RunEvent> fired = firstEvents(probe, name);
            assertThat(fired).allSatisfy(e -> {
                assertThat(e.status()).isEqualTo(RunStatus.QUEUED);
                assertThat(e.inputs().get("n").asInt()).isEqualTo(7);
                assertThat(e.origin()).startsWith("trigger:every-second@");
            });
            Set<String> fireTimes = new HashSet<>();
            fired.forEach(e -> fireTimes.add(e.origin()));
            assertThat(fireTimes).as("each fire time once").hasSize(fired.size());

            define(taskId, name, 1, "inactive", "[{\"type\":\"schedule\",\"cron\":\"* * * * * *\"}]");
            Thread.sleep(2500);
            int paused = firstEvents(probe, name).size();
            Thread.sleep(2500);
            probe.await(e -> true, Duration.ofMillis(300));
            assertThat(firstEvents(probe, name)).hasSize(paused);
        }
    }

    @Test
    void missedFireTimesFollowTheMisfirePolicy() throws Exception {
        assertThat(runsAfterDowntime("all")).hasSize(3);
        assertThat(runsAfterDowntime("once")).hasSize(1);
        assertThat(runsAfterDowntime("skip")).isEmpty();
    }

    /** A minutely schedule whose scheduler was down for ten minutes: what runs when it comes back. */
    private List<RunEvent> runsAfterDowntime(String misfire) throws Exception {
        String taskId = UUID.randomUUID().toString();
        String name = "backfill-" + taskId.substring(0, 8);
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.deadLetter(Topics.TASK_DEFINITIONS))) {
            define(taskId, name, 1, "inactive", "[]");
            awaitKnown(taskId);
            // the trigger exists, but its next fire time passed ten minutes ago while nothing ran
            // endAt now: the minutes missed are all in the past, and no fire time of the test's own minutes counts
            define(taskId, name, 2, "active", """
                    [{"type":"schedule","cron":"0 * * * * *","misfire":"%s","maxBackfill":3,"inputs":{"n":1},
                      "endAt":"%s"}]""".formatted(misfire, java.time.OffsetDateTime.now().withNano(0)));
            awaitTrigger(taskId);
            pool.preparedQuery("UPDATE task_scheduler.time_trigger SET next_fire_at = $1 WHERE task_id = $2")
                    .execute(Tuple.of(java.time.OffsetDateTime.now().minusMinutes(10).withSecond(0).withNano(0),
                            UUID.fromString(taskId)))
                    .await().atMost(Duration.ofSeconds(10));
            // two supervisor rounds later, whatever the policy made has been announced
            Thread.sleep(2500);
            probe.await(e -> true, Duration.ofMillis(500));
            return firstEvents(probe, name);
        }
    }

    private void awaitKnown(String taskId) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var rows = pool.preparedQuery("SELECT 1 FROM task_scheduler.task_definition WHERE task_id = $1")
                    .execute(Tuple.of(UUID.fromString(taskId))).await().atMost(Duration.ofSeconds(5));
            if (rows.size() > 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("task " + taskId + " never reached the scheduler");
    }

    private void awaitTrigger(String taskId) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var rows = pool.preparedQuery("SELECT 1 FROM task_scheduler.time_trigger WHERE task_id = $1")
                    .execute(Tuple.of(UUID.fromString(taskId))).await().atMost(Duration.ofSeconds(5));
            if (rows.size() > 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the trigger of task " + taskId + " was never stored");
    }

    @Test
    void aNewerTaskUnderAKnownNameReplacesTheOlderOneAndItsTriggers() throws Exception {
        String name = "renewed-" + UUID.randomUUID().toString().substring(0, 8);
        String older = UUID.randomUUID().toString();
        String newer = UUID.randomUUID().toString();
        define(older, name, 1, "active", "[{\"type\":\"interval\",\"every\":\"1h\"}]");
        awaitTrigger(older);

        define(newer, name, 1, "active", "[{\"type\":\"interval\",\"every\":\"2h\"}]");
        awaitTrigger(newer);

        var left = pool.preparedQuery("SELECT count(*) FROM task_scheduler.time_trigger WHERE task_id = $1")
                .execute(Tuple.of(UUID.fromString(older))).await().atMost(Duration.ofSeconds(5));
        assertThat(left.iterator().next().getLong(0)).isZero();
    }

    @Test
    void triggerInputsThatBreakTheParametersMakeAFailedRunWithTheReason() {
        String taskId = UUID.randomUUID().toString();
        String name = "badinputs-" + taskId.substring(0, 8);
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            define(taskId, name, 1, "active", "[{\"type\":\"interval\",\"every\":\"1s\",\"inputs\":{\"n\":\"seven\"}}]");
            probe.await(e -> !firstEvents(probe, name).isEmpty(), Duration.ofSeconds(20));
            RunEvent failed = firstEvents(probe, name).getFirst();
            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.error().code()).isEqualTo("inputs-invalid");
            assertThat(failed.error().message()).contains("inputs.n");
        }
    }

    @Test
    void aTriggeredRunGetsTheDefaultsOfTheParametersItsInputsLeaveOut() {
        String taskId = UUID.randomUUID().toString();
        String name = "defaults-" + taskId.substring(0, 8);
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            define(taskId, name, 1, "active", "[{\"type\":\"interval\",\"every\":\"1s\",\"inputs\":{\"n\":3}}]", """
                    {"type":"object","required":["greeting"],"properties":{"n":{"type":"integer"},
                     "greeting":{"type":"string","default":"hello"},"times":{"type":"integer","default":2}}}""");
            probe.await(e -> !firstEvents(probe, name).isEmpty(), Duration.ofSeconds(20));
            RunEvent first = firstEvents(probe, name).getFirst();
            assertThat(first.status()).as("a required parameter with a default is not missing").isEqualTo(RunStatus.QUEUED);
            assertThat(first.inputs().get("greeting").asText()).isEqualTo("hello");
            assertThat(first.inputs().get("times").asInt()).isEqualTo(2);
            assertThat(first.inputs().get("n").asInt()).as("what the trigger gives is kept").isEqualTo(3);
        }
    }

    @Test
    void aMalformedDefinitionGoesToTheDeadLetterTopicAndTheNextOneIsApplied() throws Exception {
        String taskId = UUID.randomUUID().toString();
        try (KafkaProbe probe = KafkaProbe.watch(Topics.deadLetter(Topics.TASK_DEFINITIONS))) {
            KafkaProbe.publishCloudEvent(Topics.TASK_DEFINITIONS, taskId, UUID.randomUUID().toString(),
                    TaskDefinitionChanged.TYPE, "broken", "{\"tenant\":\"acme\",\"state\":\"sleeping\"}");
            define(taskId, "fine-" + taskId.substring(0, 8), 1, "active", "[]");
            KafkaProbe.Event dead = probe.await(e -> taskId.equals(e.key()), Duration.ofSeconds(30));
            assertThat(dead.headers().get("dead-letter-reason")).contains("does not match its schema");
            awaitKnown(taskId);
        }
    }

    @Test
    void anExternalProducerStartsARunWithACloudEventNamingOnlyTheTask() throws Exception {
        String taskId = UUID.randomUUID().toString();
        String name = "external-" + taskId.substring(0, 8);
        define(taskId, name, 1, "active", "[]");
        awaitKnown(taskId);
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.deadLetter(Topics.RUN_COMMANDS))) {
            String command = "{\"tenant\":\"acme\",\"task\":\"%s\",\"inputs\":{\"n\":3},\"idempotencyKey\":\"order-17\"}"
                    .formatted(name);
            // the producer retries: two CloudEvents, one idempotency key, one run
            KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, name, UUID.randomUUID().toString(),
                    io.taskmesh.events.RunCreateCommand.TYPE, null, command);
            KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, name, UUID.randomUUID().toString(),
                    io.taskmesh.events.RunCreateCommand.TYPE, null, command);
            // a task never defined: the command waits for its definition (3 s in tests), then is dead-lettered
            String unknown = "no-such-task-" + taskId.substring(0, 8);
            KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, name, UUID.randomUUID().toString(),
                    io.taskmesh.events.RunCreateCommand.TYPE, null, "{\"tenant\":\"acme\",\"task\":\"%s\"}".formatted(unknown));

            probe.await(e -> !firstEvents(probe, name).isEmpty(), Duration.ofSeconds(30));
            KafkaProbe.Event dead = probe.await(e -> e.topic().endsWith(".dlq") && unknown.equals(e.key()), Duration.ofSeconds(30));
            assertThat(dead.headers().get("dead-letter-reason")).contains("no such task").contains("did not come within PT3S");
            assertThat(dead.headers().get("dead-letter-topic")).isEqualTo(Topics.RUN_COMMANDS);
            assertThat(dead.headers().get("ce_type")).isEqualTo(io.taskmesh.events.RunCreateCommand.TYPE);
            assertThat(EventJson.readTree(dead.value()).get("task").asText()).as("the command as it came").isEqualTo(unknown);
            assertThat(waiting(unknown)).as("given up: no longer waiting").isZero();
            // the outbox relays within ~50 ms: a second run from the retried command would be here by now
            assertThatThrownBy(() -> probe.await(e -> firstEvents(probe, name).size() > 1, Duration.ofSeconds(1)))
                    .isInstanceOf(AssertionError.class);
            List<RunEvent> started = firstEvents(probe, name);
            assertThat(started).hasSize(1);
            assertThat(started.getFirst().status()).isEqualTo(RunStatus.QUEUED);
            assertThat(started.getFirst().inputs().get("n").asInt()).isEqualTo(3);
            assertThat(started.getFirst().origin()).startsWith("event:");
        }
    }

    @Test
    void aRunCommandThatComesBeforeItsTasksDefinitionStartsItsRunWhenTheDefinitionComes() throws Exception {
        String taskId = UUID.randomUUID().toString();
        String name = "early-" + taskId.substring(0, 8);
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.deadLetter(Topics.RUN_COMMANDS))) {
            String command = "{\"tenant\":\"acme\",\"task\":\"%s\",\"inputs\":{\"n\":5},\"idempotencyKey\":\"%s\"}"
                    .formatted(name, taskId);
            // sent twice (a producer's retry), before the task's definition is out
            KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, name, UUID.randomUUID().toString(),
                    io.taskmesh.events.RunCreateCommand.TYPE, null, command);
            KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, name, UUID.randomUUID().toString(),
                    io.taskmesh.events.RunCreateCommand.TYPE, null, command);
            for (int i = 0; i < 100 && waiting(name) == 0; i++) {
                Thread.sleep(50);
            }
            assertThat(waiting(name)).as("one run's command waits for the task's definition").isEqualTo(1);
            assertThat(firstEvents(probe, name)).isEmpty();

            define(taskId, name, 1, "active", "[]");
            probe.await(e -> !firstEvents(probe, name).isEmpty(), Duration.ofSeconds(30));
            RunEvent started = firstEvents(probe, name).getFirst();
            assertThat(started.status()).isEqualTo(RunStatus.QUEUED);
            assertThat(started.inputs().get("n").asInt()).isEqualTo(5);
            assertThat(started.origin()).startsWith("event:");
            assertThat(waiting(name)).isZero();
            // past the wait, neither a second run nor a dead letter
            Thread.sleep(4_000);
            assertThat(firstEvents(probe, name)).hasSize(1);
            assertThat(probe.seen(e -> e.topic().endsWith(".dlq") && name.equals(e.key()))).isEmpty();
        }
    }

    @Test
    void aRunCommandWhoseTaskComesInactiveIsSetAsideSayingSo() throws Exception {
        String taskId = UUID.randomUUID().toString();
        String name = "paused-" + taskId.substring(0, 8);
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.deadLetter(Topics.RUN_COMMANDS))) {
            KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, name, UUID.randomUUID().toString(),
                    io.taskmesh.events.RunCreateCommand.TYPE, null, "{\"tenant\":\"acme\",\"task\":\"%s\"}".formatted(name));
            for (int i = 0; i < 100 && waiting(name) == 0; i++) {
                Thread.sleep(50);
            }
            assertThat(waiting(name)).as("the command waits for the task's definition").isEqualTo(1);

            define(taskId, name, 1, "inactive", "[]");
            KafkaProbe.Event dead = probe.await(e -> e.topic().endsWith(".dlq") && name.equals(e.key()), Duration.ofSeconds(30));
            assertThat(dead.headers().get("dead-letter-reason")).contains("the task is inactive");
            assertThat(waiting(name)).isZero();
            assertThat(firstEvents(probe, name)).isEmpty();
        }
    }

    private long waiting(String task) {
        return pool.preparedQuery("SELECT count(*) FROM task_scheduler.waiting_command WHERE task = $1")
                .execute(Tuple.of(task)).await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
    }

    @Test
    void anExternalProducerMayAlsoSendTheRunCommandAsAStructuredCloudEvent() throws Exception {
        String taskId = UUID.randomUUID().toString();
        String name = "structured-" + taskId.substring(0, 8);
        define(taskId, name, 1, "active", "[]");
        awaitKnown(taskId);
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            String id = UUID.randomUUID().toString();
            KafkaProbe.publish(Topics.RUN_COMMANDS, name, """
                    {"specversion":"1.0","id":"%s","source":"urn:example:shop","type":"%s",
                     "datacontenttype":"application/json","data":{"tenant":"acme","task":"%s","inputs":{"n":4}}}"""
                    .formatted(id, io.taskmesh.events.RunCreateCommand.TYPE, name),
                    java.util.Map.of("content-type", "application/cloudevents+json; charset=UTF-8"));
            probe.await(e -> !firstEvents(probe, name).isEmpty(), Duration.ofSeconds(30));
            RunEvent started = firstEvents(probe, name).getFirst();
            assertThat(started.status()).isEqualTo(RunStatus.QUEUED);
            assertThat(started.inputs().get("n").asInt()).isEqualTo(4);
            assertThat(started.origin()).isEqualTo("event:" + id);
        }
    }
}
