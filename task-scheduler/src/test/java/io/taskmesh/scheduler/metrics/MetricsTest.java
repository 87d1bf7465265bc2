package io.taskmesh.scheduler.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunCreateCommand;
import io.taskmesh.events.TaskDefinitionChanged;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The domain meters that the Prometheus alerts and the Grafana dashboard in deploy/ are written against. */
@QuarkusTest
class MetricsTest {

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /**
     * The value of the first sample of {@code name} whose labels contain {@code labels}; NaN when absent. A counter
     * last incremented inside a traced span carries an OpenMetrics exemplar after its value ({@code # {trace_id=…}}).
     */
    static double sample(String metrics, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)( # .*)?$").matcher(metrics);
        while (m.find()) {
            if (m.group(1) == null ? labels.isEmpty() : m.group(1).contains(labels)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return Double.NaN;
    }

    private static void define(String taskId, String name, String state) {
        String definition = """
                {"name":"%s","objective":"Tick","parameters":{"type":"object","properties":{"x":{"type":"integer"}},
                 "required":["x"]},"triggers":[{"type":"schedule","cron":"* * * * * *","inputs":{}}]}""".formatted(name);
        KafkaProbe.publishCloudEvent(Topics.TASK_DEFINITIONS, taskId, UUID.randomUUID().toString(),
                TaskDefinitionChanged.TYPE, name, EventJson.write(new TaskDefinitionChanged("acme", taskId, name, 1,
                        state, EventJson.readTree(definition), Instant.now())));
    }

    @Test
    void aFiredTriggerWhoseInputsAreRefusedCountsAFailedRunAndItsFireLag() {
        String before = scrape();
        double failed = sample(before, "taskmesh_runs_finished_total", "status=\"FAILED\"");
        double fired = sample(before, "taskmesh_trigger_fire_lag_seconds_count", "");
        assertThat(failed).as("every final status is registered from the start").isNotNaN();
        assertThat(sample(before, "taskmesh_runs_finished_total", "status=\"SUCCEEDED\"")).isNotNaN();

        String taskId = UUID.randomUUID().toString();
        String name = "refused-" + taskId.substring(0, 8);
        define(taskId, name, "active");
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                String after = scrape();
                assertThat(sample(after, "taskmesh_runs_finished_total", "status=\"FAILED\"")).isGreaterThan(failed);
                assertThat(sample(after, "taskmesh_trigger_fire_lag_seconds_count", "")).isGreaterThan(fired);
            });
        } finally {
            define(taskId, name, "inactive");
        }
    }

    @Test
    void theOutboxBacklogIsMeasuredAgainstTheRealTable() {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            String metrics = scrape();
            assertThat(sample(metrics, "taskmesh_outbox_pending", "")).as("measured, not NaN")
                    .isNotNaN().isGreaterThanOrEqualTo(0);
            assertThat(sample(metrics, "taskmesh_outbox_oldest_age_seconds", "")).isNotNaN().isGreaterThanOrEqualTo(0);
            // what the broker refused for good is counted from the start, so an alert can watch its increase
            assertThat(sample(metrics, "taskmesh_outbox_dead_total", "")).isNotNaN().isGreaterThanOrEqualTo(0);
        });
    }

    @Test
    void aRunCommandGivenUpOnForWantOfItsTaskIsCounted() {
        double before = sample(scrape(), "taskmesh_run_commands_given_up_total", "");
        assertThat(before).as("registered from the start, so an alert can watch its increase").isNotNaN();
        String task = "never-defined-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaProbe.publishCloudEvent(Topics.RUN_COMMANDS, task, UUID.randomUUID().toString(), RunCreateCommand.TYPE, null,
                "{\"tenant\":\"acme\",\"task\":\"%s\"}".formatted(task));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(sample(scrape(), "taskmesh_run_commands_given_up_total", "")).isGreaterThan(before));
    }
}
