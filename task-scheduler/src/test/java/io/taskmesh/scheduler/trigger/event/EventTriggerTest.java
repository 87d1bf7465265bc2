package io.taskmesh.scheduler.trigger.event;

import static io.restassured.RestAssured.given;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;

/** Event triggers against the real Kafka and PostgreSQL: each test on a topic of its own. */
@QuarkusTest
class EventTriggerTest {

    private static final String ORDER_CREATED = "com.example.order.created.v1";

    @Inject
    Pool pool;

    private static void define(String taskId, String name, String state, String triggers) {
        String definition = """
                {"name":"%s","objective":"Handle an order","parameters":{"type":"object","properties":{
                  "order":{"type":"string"},"n":{"type":"integer"},"channel":{"type":"string"}}},
                 "triggers":%s}""".formatted(name, triggers);
        KafkaProbe.publishCloudEvent(Topics.TASK_DEFINITIONS, taskId, UUID.randomUUID().toString(),
                TaskDefinitionChanged.TYPE, name, EventJson.write(new TaskDefinitionChanged("acme", taskId, name, 1,
                        state, EventJson.readTree(definition), Instant.now())));
    }

    private static String topic() {
        return "events.orders-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The first event of each run a trigger started (the scheduler's own, with inputs and origin). */
    private static List<RunEvent> runs(KafkaProbe probe, String task) {
        return probe.seen(e -> e.topic().equals(Topics.RUN_EVENTS)).stream()
                .map(e -> EventJson.read(e.value(), RunEvent.class))
                .filter(e -> e.task().equals(task) && e.origin() != null).toList();
    }

    private static RunEvent awaitRun(KafkaProbe probe, String task, String eventId) {
        probe.await(e -> runs(probe, task).stream().anyMatch(r -> r.origin().endsWith("@event:" + eventId)),
                Duration.ofSeconds(30));
        return runs(probe, task).stream().filter(r -> r.origin().endsWith("@event:" + eventId)).findFirst().orElseThrow();
    }

    /** The outbox relays within ~50 ms: a run that was going to come would be here by now. */
    private static void assertNoMoreRunsThan(KafkaProbe probe, String task, int count) {
        assertThatThrownBy(() -> probe.await(e -> runs(probe, task).size() > count, Duration.ofSeconds(1)))
                .isInstanceOf(AssertionError.class);
        assertThat(runs(probe, task)).hasSize(count);
    }

    /** The probe watches the partitions a topic has: the dead-letter topic may not have been written yet. */
    private static void createIfMissing(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaProbe.bootstrap()))) {
            if (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    private void awaitEventTriggers(String taskId, int count) throws InterruptedException {
        for (int i = 0; i < 150; i++) {
            var rows = pool.preparedQuery("SELECT count(*) FROM task_scheduler.event_trigger WHERE task_id = $1")
                    .execute(Tuple.of(UUID.fromString(taskId))).await().atMost(Duration.ofSeconds(5));
            if (rows.iterator().next().getLong(0) == count) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("task " + taskId + " never had " + count + " event triggers");
    }

    @Test
    void anEventThatPassesTheFilterStartsOneRunWithTheMappedInputsInEitherModeAndOnlyOnce() throws Exception {
        String taskId = UUID.randomUUID().toString();
        String name = "orders-" + taskId.substring(0, 8);
        String topic = topic();
        define(taskId, name, "active", """
                [{"type":"event","name":"big-orders","topic":"%s","eventType":"%s","filter":"event.data.total > 100",
                  "inputs":{"channel":"web"},"inputsFrom":{"order":"event.data.id","n":"event.data.total"}}]"""
                .formatted(topic, ORDER_CREATED));
        awaitEventTriggers(taskId, 1);
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            String big = UUID.randomUUID().toString();
            String structured = UUID.randomUUID().toString();
            // one key: one partition, read in this order
            KafkaProbe.publishCloudEvent(topic, "shop", big, ORDER_CREATED, null, "{\"id\":\"o-1\",\"total\":250}");
            KafkaProbe.publishCloudEvent(topic, "shop", UUID.randomUUID().toString(), ORDER_CREATED, null,
                    "{\"id\":\"o-2\",\"total\":20}");
            KafkaProbe.publishCloudEvent(topic, "shop", UUID.randomUUID().toString(), "com.example.order.cancelled.v1",
                    null, "{\"id\":\"o-1\",\"total\":250}");
            // the producer retries: the same event again
            KafkaProbe.publishCloudEvent(topic, "shop", big, ORDER_CREATED, null, "{\"id\":\"o-1\",\"total\":250}");
            KafkaProbe.publish(topic, "shop", """
                    {"specversion":"1.0","id":"%s","source":"urn:example:shop","type":"%s",
                     "datacontenttype":"application/json","data":{"id":"o-3","total":300}}""".formatted(structured, ORDER_CREATED),
                    Map.of("content-type", "application/cloudevents+json; charset=UTF-8"));

            RunEvent last = awaitRun(probe, name, structured);
            assertNoMoreRunsThan(probe, name, 2);
            RunEvent first = awaitRun(probe, name, big);
            assertThat(first.status()).isEqualTo(RunStatus.QUEUED);
            assertThat(first.origin()).isEqualTo("trigger:big-orders@event:" + big);
            assertThat(first.inputs()).isEqualTo(EventJson.readTree("{\"channel\":\"web\",\"order\":\"o-1\",\"n\":250}"));
            assertThat(last.status()).isEqualTo(RunStatus.QUEUED);
            assertThat(last.inputs()).isEqualTo(EventJson.readTree("{\"channel\":\"web\",\"order\":\"o-3\",\"n\":300}"));
        }
    }

    @Test
    void aDeactivatedTasksTriggerIgnoresEventsAndOnReactivationDoesNotCatchUpOnThem() throws Exception {
        String taskId = UUID.randomUUID().toString();
        String name = "paused-" + taskId.substring(0, 8);
        String topic = topic();
        String triggers = """
                [{"type":"event","topic":"%s","eventType":"%s","inputsFrom":{"n":"event.data.total"}}]"""
                .formatted(topic, ORDER_CREATED);
        define(taskId, name, "active", triggers);
        awaitEventTriggers(taskId, 1);
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            String before = UUID.randomUUID().toString();
            KafkaProbe.publishCloudEvent(topic, "shop", before, ORDER_CREATED, null, "{\"total\":1}");
            assertThat(awaitRun(probe, name, before).origin()).isEqualTo("trigger:event#0@event:" + before);

            define(taskId, name, "inactive", triggers);
            awaitEventTriggers(taskId, 0);
            String whilePaused = UUID.randomUUID().toString();
            KafkaProbe.publishCloudEvent(topic, "shop", whilePaused, ORDER_CREATED, null, "{\"total\":2}");
            Thread.sleep(1000);

            define(taskId, name, "active", triggers);
            awaitEventTriggers(taskId, 1);
            String after = UUID.randomUUID().toString();
            KafkaProbe.publishCloudEvent(topic, "shop", after, ORDER_CREATED, null, "{\"total\":3}");
            assertThat(awaitRun(probe, name, after).inputs().get("n").asInt()).isEqualTo(3);
            assertNoMoreRunsThan(probe, name, 2);
        }
    }

    @Test
    void aRecordThatIsNotACloudEventGoesToTheDeadLetterTopicAndTheNextEventStillFires() throws Exception {
        String taskId = UUID.randomUUID().toString();
        String name = "dlq-" + taskId.substring(0, 8);
        String topic = topic();
        define(taskId, name, "active", "[{\"type\":\"event\",\"topic\":\"%s\",\"eventType\":\"%s\"}]"
                .formatted(topic, ORDER_CREATED));
        awaitEventTriggers(taskId, 1);
        createIfMissing(Topics.EVENT_TRIGGERS_DLQ);
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS, Topics.EVENT_TRIGGERS_DLQ)) {
            KafkaProbe.publish(topic, "plain", "order 17 created", Map.of());
            KafkaProbe.publishCloudEvent(topic, "broken-json", UUID.randomUUID().toString(), ORDER_CREATED, null,
                    "{\"total\":");
            String good = UUID.randomUUID().toString();
            KafkaProbe.publishCloudEvent(topic, "good", good, ORDER_CREATED, null, "{\"total\":5}");

            KafkaProbe.Event plain = probe.await(e -> e.topic().equals(Topics.EVENT_TRIGGERS_DLQ) && "plain".equals(e.key()),
                    Duration.ofSeconds(30));
            assertThat(plain.value()).isEqualTo("order 17 created");
            assertThat(plain.headers()).containsEntry("dead-letter-topic", topic).containsKey("dead-letter-offset");
            assertThat(plain.headers().get("dead-letter-reason")).contains("not a CloudEvent");
            KafkaProbe.Event broken = probe.await(e -> e.topic().equals(Topics.EVENT_TRIGGERS_DLQ)
                    && "broken-json".equals(e.key()), Duration.ofSeconds(30));
            assertThat(broken.headers().get("dead-letter-reason")).contains("is not JSON");
            assertThat(broken.headers()).containsEntry("ce_type", ORDER_CREATED);

            assertThat(awaitRun(probe, name, good).status()).isEqualTo(RunStatus.QUEUED);

            // counted, and seen by the alert on dead-letter producers
            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(sample(metrics, "taskmesh_trigger_events_total", "outcome=\"dead-lettered\"")).isGreaterThanOrEqualTo(2);
            assertThat(sample(metrics, "taskmesh_trigger_events_total", "outcome=\"fired\"")).isGreaterThanOrEqualTo(1);
            assertThat(sample(metrics, "kafka_producer_record_send_total",
                    "client_id=\"kafka-dead-letter-topic-producer-event-triggers\"")).isGreaterThanOrEqualTo(2);
        }
    }

    /** The value of the first sample of {@code name} whose labels contain {@code labels}; NaN when absent. */
    private static double sample(String metrics, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(metrics);
        while (m.find()) {
            if (m.group(1) != null && m.group(1).contains(labels)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return Double.NaN;
    }

    @Test
    void aNewerTaskUnderAKnownNameTakesOverTheEventTriggersOfTheOlderOne() throws Exception {
        String name = "renamed-" + UUID.randomUUID().toString().substring(0, 8);
        String older = UUID.randomUUID().toString();
        String newer = UUID.randomUUID().toString();
        String triggers = "[{\"type\":\"event\",\"topic\":\"%s\",\"eventType\":\"%s\"}]".formatted(topic(), ORDER_CREATED);
        define(older, name, "active", triggers);
        awaitEventTriggers(older, 1);
        define(newer, name, "active", triggers);
        awaitEventTriggers(newer, 1);
        awaitEventTriggers(older, 0);
    }

    @Test
    void mappedInputsThatBreakTheParametersOrAnExpressionThatFailsOnTheEventMakeAFailedRunSayingWhy() throws Exception {
        String taskId = UUID.randomUUID().toString();
        String name = "refused-" + taskId.substring(0, 8);
        String topic = topic();
        define(taskId, name, "active", """
                [{"type":"event","name":"wrong-type","topic":"%1$s","eventType":"%2$s","inputsFrom":{"n":"event.data.label"}},
                 {"type":"event","name":"no-such-field","topic":"%1$s","eventType":"%2$s","filter":"event.data.total > 1"}]"""
                .formatted(topic, ORDER_CREATED));
        awaitEventTriggers(taskId, 2);
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_EVENTS)) {
            String id = UUID.randomUUID().toString();
            KafkaProbe.publishCloudEvent(topic, "shop", id, ORDER_CREATED, null, "{\"label\":\"seven\"}");
            probe.await(e -> runs(probe, name).size() == 2, Duration.ofSeconds(30));

            RunEvent wrongType = runs(probe, name).stream().filter(r -> r.origin().startsWith("trigger:wrong-type@"))
                    .findFirst().orElseThrow();
            assertThat(wrongType.status()).isEqualTo(RunStatus.FAILED);
            assertThat(wrongType.error().code()).isEqualTo("inputs-invalid");
            assertThat(wrongType.error().message()).contains("inputs.n");

            RunEvent noSuchField = runs(probe, name).stream().filter(r -> r.origin().startsWith("trigger:no-such-field@"))
                    .findFirst().orElseThrow();
            assertThat(noSuchField.status()).isEqualTo(RunStatus.FAILED);
            assertThat(noSuchField.error().code()).isEqualTo("trigger-expression-failed");
            assertThat(noSuchField.error().message()).startsWith("triggers[1].filter failed on event " + id)
                    .contains("total");
        }
    }
}
