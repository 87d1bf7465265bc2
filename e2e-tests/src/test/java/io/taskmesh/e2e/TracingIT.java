package io.taskmesh.e2e;

import static io.taskmesh.e2e.Platform.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.http.ContentType;
import io.taskmesh.events.EventTypes;
import io.taskmesh.events.RunStatus;
import io.taskmesh.events.Topics;
import io.taskmesh.testing.KafkaProbe;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One run is one trace across the services: the trace of the request that starts it goes on through task-api's
 * outbox, the scheduler's outbox and the executor, in the {@code traceparent} of every record of the run.
 */
class TracingIT {

    private static final SecureRandom RANDOM = new SecureRandom();

    @BeforeAll
    static void startPlatform() throws Exception {
        Platform.start();
    }

    @Test
    void everyRecordOfARunOnEveryTopicCarriesTheTraceOfTheRequestThatStartedIt() {
        String task = "traced-" + UUID.randomUUID().toString().substring(0, 8);
        String traceId = hex(16);
        try (KafkaProbe probe = KafkaProbe.watch(Topics.RUN_COMMANDS, Topics.RUN_REQUESTS, Topics.RUN_EVENTS)) {
            as("alice").contentType(ContentType.JSON).body("""
                    {"name":"%s","objective":"Double a number","parameters":{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"]},"resultSchema":{"type":"integer"},"steps":[{"id":"calc","action":"transform","expression":"inputs.x * 2"}]}"""
                    .formatted(task))
                    .post(Platform.api() + "/api/v1/tasks").then().statusCode(201);

            // the caller is traced already: its request names its trace and its span
            String runId = as("alice").header("traceparent", "00-" + traceId + "-" + hex(8) + "-01")
                    .contentType(ContentType.JSON).body("{\"inputs\":{\"x\":21}}")
                    .post(Platform.api() + "/api/v1/tasks/" + task + "/runs")
                    .then().statusCode(202).extract().path("id");

            List<String> types = List.of(EventTypes.RUN_CREATE, EventTypes.RUN_REQUESTED, RunStatus.QUEUED.eventType(),
                    RunStatus.RUNNING.eventType(), RunStatus.SUCCEEDED.eventType());
            for (String type : types) {
                probe.await(e -> runId.equals(e.key()) && type.equals(e.type()), Duration.ofSeconds(60));
            }
            List<KafkaProbe.Event> records = probe.seen(e -> runId.equals(e.key()));
            assertThat(records).extracting(KafkaProbe.Event::topic)
                    .contains(Topics.RUN_COMMANDS, Topics.RUN_REQUESTS, Topics.RUN_EVENTS);
            assertThat(records).extracting(KafkaProbe.Event::type).containsAll(types);
            assertThat(records).allSatisfy(e -> assertThat(e.headers().get("traceparent"))
                    .as("traceparent of %s on %s", e.type(), e.topic())
                    .matches("00-" + traceId + "-[0-9a-f]{16}-01"));
        }
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
