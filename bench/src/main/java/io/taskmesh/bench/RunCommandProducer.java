package io.taskmesh.bench;

import io.taskmesh.events.EventTypes;
import io.taskmesh.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Starts runs the way any authorised producer does (docs/api.md, "Starting runs from Kafka"): a CloudEvent
 * {@code io.taskmesh.run.create.v1} in binary mode on {@code taskmesh.run-commands}. The benchmark names the
 * run id itself, so it knows which events are its own before the run exists.
 */
final class RunCommandProducer implements AutoCloseable {

    private final KafkaProducer<String, String> producer;
    private final String tenant;

    RunCommandProducer(String bootstrap, String tenant) {
        this.tenant = tenant;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "taskmesh-bench-run-commands");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(props);
    }

    /** Sends the command for run {@code runId}; {@code acknowledged} hears once Kafka has it (or why not). */
    void startRun(String runId, Acknowledgement acknowledged) {
        String data = "{\"tenant\": \"" + tenant + "\", \"task\": \"" + TaskmeshApi.TASK + "\", \"runId\": \"" + runId
                + "\", \"inputs\": {}}";
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.RUN_COMMANDS, runId, data);
        header(record, "ce_specversion", "1.0");
        header(record, "ce_id", UUID.randomUUID().toString());
        header(record, "ce_type", EventTypes.RUN_CREATE);
        header(record, "ce_source", "urn:taskmesh:bench");
        header(record, "ce_subject", TaskmeshApi.TASK);
        header(record, "content-type", "application/json");
        producer.send(record, (metadata, error) -> acknowledged.done(error));
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        producer.close();
    }

    interface Acknowledgement {
        void done(Exception errorOrNull);
    }
}
