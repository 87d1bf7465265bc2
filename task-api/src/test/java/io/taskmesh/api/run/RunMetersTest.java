package io.taskmesh.api.run;

import static io.restassured.RestAssured.given;
import static io.taskmesh.api.ApiFixtures.as;
import static io.taskmesh.api.ApiFixtures.doubleTask;
import static io.taskmesh.api.ApiFixtures.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.taskmesh.events.EventJson;
import io.taskmesh.events.RunEvent;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Runs per task on /q/metrics, as the Grafana dashboard in deploy/ reads them: started, finished, latencies. */
@QuarkusTest
class RunMetersTest {

    private static double sample(String name, String labels) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)").matcher(metrics);
        while (m.find()) {
            if (m.group(1).contains(labels)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    private static void publish(String task, String runId, RunStatus status, long seq, int attempt, Instant at) {
        RunEvent event = new RunEvent("acme", runId, task, 1, status, seq, attempt,
                status.isTerminal() ? EventJson.readTree("2") : null, null, at);
        KafkaProbe.publishCloudEvent(Topics.RUN_EVENTS, runId, UUID.randomUUID().toString(), event.type(), runId,
                EventJson.write(event));
    }

    @Test
    void aRunCountsOnceAsStartedAndFinishedWithItsStartLatencyAndDuration() {
        String task = uniqueName("metered");
        as("alice").contentType(ContentType.JSON).body(doubleTask(task)).post("/api/v1/tasks").then().statusCode(201);
        String runId = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"x\":1}}")
                .post("/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");
        String labels = "task=\"" + task + "\"";
        Instant started = Instant.now().plusMillis(300);

        publish(task, runId, RunStatus.RUNNING, 10, 1, started);
        publish(task, runId, RunStatus.RUNNING, 10, 1, started); // redelivered: changes nothing
        publish(task, runId, RunStatus.SUCCEEDED, 11, 1, started.plusSeconds(2));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                as("alice").get("/api/v1/runs/" + runId).then().body("status", equalTo("SUCCEEDED")));

        assertThat(sample("taskmesh_task_runs_started_total", labels)).isEqualTo(1.0);
        assertThat(sample("taskmesh_task_runs_finished_total", labels + ",tenant=\"acme\"")).isEqualTo(1.0);
        assertThat(sample("taskmesh_task_runs_finished_total", "status=\"SUCCEEDED\"," + labels)).isEqualTo(1.0);
        assertThat(sample("taskmesh_task_run_start_latency_seconds_count", labels)).isEqualTo(1.0);
        assertThat(sample("taskmesh_task_run_start_latency_seconds_sum", labels)).isBetween(0.2, 30.0);
        assertThat(sample("taskmesh_task_run_duration_seconds_count", labels)).isEqualTo(1.0);
        assertThat(sample("taskmesh_task_run_duration_seconds_sum", labels)).isCloseTo(2.0, within(0.01));
        // 2 s falls in the 2.5 s bucket, not in the 1 s one
        assertThat(sample("taskmesh_task_run_duration_seconds_bucket", labels + ",tenant=\"acme\",le=\"2.5\"")).isEqualTo(1.0);
        assertThat(sample("taskmesh_task_run_duration_seconds_bucket", labels + ",tenant=\"acme\",le=\"1.0\"")).isEqualTo(0.0);
    }
}
