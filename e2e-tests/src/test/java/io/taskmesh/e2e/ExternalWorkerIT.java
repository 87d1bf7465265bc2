package io.taskmesh.e2e;

import static io.taskmesh.e2e.Platform.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The external-worker protocol, played with nothing but a Kafka client and JSON written by hand, as a worker
 * in any language would: it takes the run requests of its pool and answers with run events.
 */
class ExternalWorkerIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void startPlatform() throws Exception {
        Platform.start();
    }

    @Test
    void aWorkerServingAnAgentPoolCarriesOutTheRunsOfThatPool() throws Exception {
        String pool = "e2e-workers";
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String agent = "translator-" + suffix;
        String task = "translate-" + suffix;
        // the agent is defined once, by name; the task names it
        as("alice").contentType(ContentType.JSON).body("{\"role\":\"a translator\",\"pool\":\"" + pool + "\"}")
                .put(Platform.api() + "/api/v1/agents/" + agent).then().statusCode(201);
        as("alice").contentType(ContentType.JSON).body("""
                {"name":"%s","objective":"Translate a word into French","resultSchema":"string","agent":"%s"}"""
                .formatted(task, agent))
                .post(Platform.api() + "/api/v1/tasks").then().statusCode(201);
        as("alice").contentType(ContentType.JSON).body("{\"name\":\"bad-pool\",\"objective\":\"x\",\"agent\":{\"pool\":\"Not A Pool\"}}")
                .post(Platform.api() + "/api/v1/tasks").then().statusCode(422)
                .body("errors[0].field", equalTo("agent.pool"));

        try (KafkaConsumer<String, String> requests = consumer(); KafkaProducer<String, String> events = producer()) {
            requests.subscribe(List.of("taskmesh.run-requests." + pool));
            requests.poll(Duration.ofMillis(500));
            String runId = as("alice").contentType(ContentType.JSON).body("{\"inputs\":{\"word\":\"cheese\"}}")
                    .post(Platform.api() + "/api/v1/tasks/" + task + "/runs").then().statusCode(202).extract().path("id");

            ConsumerRecord<String, String> request = next(requests, runId);
            assertThat(header(request, "ce_type")).isEqualTo("io.taskmesh.run.requested.v1");
            JsonNode data = JSON.readTree(request.value());
            assertThat(data.path("inputs").path("word").asText()).isEqualTo("cheese");
            assertThat(data.path("definition").path("objective").asText()).isEqualTo("Translate a word into French");
            assertThat(data.path("definition").path("agent").path("role").asText()).isEqualTo("a translator");
            long seq = data.path("seq").asLong();
            int attempt = data.path("attempt").asInt();

            send(events, runId, "io.taskmesh.run.started.v1", """
                    {"tenant":"%s","runId":"%s","task":"%s","version":%d,"status":"RUNNING","seq":%d,"attempt":%d,"at":"%s"}"""
                    .formatted(data.path("tenant").asText(), runId, task, data.path("version").asInt(), seq + 1, attempt, Instant.now()));
            send(events, runId, "io.taskmesh.run.succeeded.v1", """
                    {"tenant":"%s","runId":"%s","task":"%s","version":%d,"status":"SUCCEEDED","seq":%d,"attempt":%d,
                     "result":"fromage","at":"%s"}"""
                    .formatted(data.path("tenant").asText(), runId, task, data.path("version").asInt(), seq + 2, attempt, Instant.now()));

            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                    as("alice").get(Platform.api() + "/api/v1/runs/" + runId).then().statusCode(200)
                            .body("status", equalTo("SUCCEEDED")).body("result", equalTo("fromage")));
        }
    }

    private static ConsumerRecord<String, String> next(KafkaConsumer<String, String> consumer, String runId) {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(250))) {
                if (runId.equals(record.key())) {
                    return record;
                }
            }
        }
        throw new AssertionError("no run request for " + runId + " within 60 s");
    }

    private static void send(KafkaProducer<String, String> producer, String runId, String type, String json) throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>("taskmesh.run-events", runId, json);
        record.headers().add("ce_specversion", bytes("1.0")).add("ce_id", bytes(UUID.randomUUID().toString()))
                .add("ce_source", bytes("urn:worker:e2e")).add("ce_type", bytes(type)).add("ce_subject", bytes(runId))
                .add("content-type", bytes("application/json"));
        producer.send(record).get();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-external-worker-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    private static KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }
}
