package io.taskmesh.scheduler.trigger.event;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.common.annotation.Identifier;
import io.taskmesh.events.MalformedEventException;
import io.taskmesh.events.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Reads the topics that active event triggers name, which are known only at run time: one Kafka consumer per
 * scheduler instance, in one consumer group, on a thread of its own. Every {@code refresh} it reads the set of
 * topics from the database (whichever replica applied the definition) and subscribes to exactly that set. A
 * partition it is given starts at its committed offset, or later at the first record published after the
 * earliest trigger on the topic started listening: a new trigger does not work through the topic's past.
 * Offsets are committed after the records are handled; a record that is not a CloudEvent, or that cannot be
 * handled within {@link #RETRY_FOR}, goes to {@link Topics#EVENT_TRIGGERS_DLQ} and the consumer goes on.
 * See docs/adr/0005-event-triggers.md.
 */
@ApplicationScoped
public class EventTriggerConsumer {

    private static final Logger LOG = Logger.getLogger(EventTriggerConsumer.class);

    /** As for the other consumers: a failure that may pass (database restart) is retried this long. */
    static final Duration RETRY_FOR = Duration.ofSeconds(30);
    /** A topic Kafka refuses to let the scheduler read (ACLs) is left aside this long, then tried again. */
    static final Duration REFUSED_FOR = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final EventTriggerService triggers;
    private final EventTriggerMetrics metrics;
    private final Map<String, Object> kafka;
    private final String groupId;
    private final Duration refresh;

    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    // the consumer thread's own state
    private KafkaProducer<byte[], byte[]> deadLetters;
    private KafkaClientMetrics consumerMeters;
    private KafkaClientMetrics deadLetterMeters;
    private Set<String> subscribed = Set.of();
    private Map<String, Instant> activeSince = Map.of();
    private final Map<String, Instant> refusedUntil = new HashMap<>();
    private Instant nextRefresh = Instant.MIN;

    public EventTriggerConsumer(EventTriggerService triggers, EventTriggerMetrics metrics,
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "kafka.group.id") String groupId,
            @ConfigProperty(name = "taskmesh.event-triggers.refresh", defaultValue = "5s") Duration refresh) {
        this.triggers = triggers;
        this.metrics = metrics;
        this.kafka = kafka;
        this.groupId = groupId + "-event-triggers";
        this.refresh = refresh;
    }

    /**
     * A platform thread, not a virtual one: the Kafka consumer blocks in {@code poll} inside monitors, which on
     * Java 21 would pin a carrier thread of the few there are.
     */
    void start(@Observes StartupEvent started) {
        running = true;
        thread = Thread.ofPlatform().daemon().name("event-triggers").start(this::loop);
    }

    void stop(@Observes ShutdownEvent stopping) {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        Duration backoff = Duration.ofSeconds(1);
        while (running) {
            try {
                if (consumer == null) {
                    open();
                }
                if (!Instant.now().isBefore(nextRefresh)) {
                    follow(await(triggers::activeTopics));
                    nextRefresh = Instant.now().plus(refresh);
                }
                if (subscribed.isEmpty()) {
                    pause(Duration.between(Instant.now(), nextRefresh));
                    continue;
                }
                take(consumer.poll(POLL));
                backoff = Duration.ofSeconds(1);
            } catch (WakeupException stopping) {
                // stop(): the loop ends
            } catch (TopicAuthorizationException e) {
                refuse(e.unauthorizedTopics());
            } catch (Throwable e) {
                if (!running) {
                    break;
                }
                // start over: what was not committed is read again, and finds what it already did
                LOG.errorf(e, "event triggers: reading %s failed; starting again in %s", subscribed, backoff);
                closeConsumer();
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        closeConsumer();
        if (deadLetters != null) {
            deadLetterMeters.close();
            deadLetters.close(Duration.ofSeconds(5));
        }
    }

    private void open() {
        Map<String, Object> config = known(ConsumerConfig.configNames());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-" + ProcessHandle.current().pid());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a partition without a committed offset is placed by Positions; this is only the fallback
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        // a topic created after its trigger is found as soon as a trigger's new topic would be (default: 5 min)
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) Math.max(refresh.toMillis(), 1000));
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(config);
        consumerMeters = metrics.bind(consumer);
        subscribed = Set.of();
        nextRefresh = Instant.MIN;
        if (deadLetters == null) {
            Map<String, Object> producer = known(ProducerConfig.configNames());
            // named as the channels' dead-letter producers, which the dead-letter alert watches
            producer.put(ProducerConfig.CLIENT_ID_CONFIG, "kafka-dead-letter-topic-producer-event-triggers");
            producer.put(ProducerConfig.ACKS_CONFIG, "all");
            producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            deadLetters = new KafkaProducer<>(producer);
            deadLetterMeters = metrics.bind(deadLetters);
        }
    }

    /** The service's Kafka settings (servers, security) that a client of this kind knows. */
    private Map<String, Object> known(Set<String> names) {
        Map<String, Object> config = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (names.contains(key)) {
                config.put(key, value);
            }
        });
        return config;
    }

    private void closeConsumer() {
        KafkaConsumer<byte[], byte[]> current = consumer;
        consumer = null;
        subscribed = Set.of();
        metrics.reading(0);
        if (consumerMeters != null) {
            consumerMeters.close();
            consumerMeters = null;
        }
        if (current != null) {
            try {
                current.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                LOG.debugf(e, "closing the event-trigger consumer");
            }
        }
    }

    /** Subscribes to the topics of the active triggers, but for those Kafka refused lately. */
    private void follow(Map<String, Instant> active) {
        Instant now = Instant.now();
        refusedUntil.values().removeIf(until -> until.isBefore(now));
        Set<String> wanted = new TreeSet<>();
        for (String topic : active.keySet()) {
            if (EventTriggerSpec.topicProblem(topic) == null && !refusedUntil.containsKey(topic)) {
                wanted.add(topic);
            }
        }
        activeSince = active;
        if (wanted.equals(subscribed)) {
            return;
        }
        if (wanted.isEmpty()) {
            consumer.unsubscribe();
        } else {
            consumer.subscribe(wanted, new Positions());
        }
        LOG.infof("event triggers read %s", wanted.isEmpty() ? "no topic" : wanted);
        subscribed = wanted;
        metrics.reading(wanted.size());
    }

    private void refuse(Set<String> topics) {
        LOG.warnf("Kafka refuses to let the scheduler read %s: the event triggers on %s wait %s, then it tries "
                + "again (grant the scheduler's Kafka user Read on them)", topics, topics.size() == 1 ? "it" : "them",
                REFUSED_FOR);
        metrics.refused(topics.size());
        Instant until = Instant.now().plus(REFUSED_FOR);
        topics.forEach(topic -> refusedUntil.put(topic, until));
        nextRefresh = Instant.MIN;
    }

    /** Handles each record in order and commits what was handled, also when one of them could not be. */
    private void take(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        try {
            for (TopicPartition partition : records.partitions()) {
                for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                    take(record);
                    done.put(partition, new OffsetAndMetadata(record.offset() + 1));
                }
            }
        } finally {
            if (!done.isEmpty()) {
                try {
                    consumer.commitSync(done);
                } catch (RuntimeException e) {
                    // read again after a rebalance: each (trigger, event) is recorded once, whoever reads it
                    LOG.infof("offsets of event triggers not committed (%s): those records are read again", e.getMessage());
                }
            }
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        ReceivedEvent event;
        try {
            event = ReceivedEvent.of(record);
        } catch (MalformedEventException e) {
            deadLetter(record, e);
            return;
        }
        Instant publishedAt = record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : null;
        long deadline = System.nanoTime() + RETRY_FOR.toNanos();
        Duration wait = Duration.ofMillis(200);
        while (true) {
            try {
                List<EventTriggerService.Outcome> outcomes = await(() -> triggers.handle(record.topic(), event, publishedAt));
                outcomes.forEach(metrics::counted);
                return;
            } catch (Throwable e) {
                if (!running) {
                    throw new IllegalStateException("stopping", e);
                }
                if (System.nanoTime() > deadline) {
                    deadLetter(record, e);
                    return;
                }
                LOG.debugf(e, "event %s on %s: trying again in %s", event.id(), record.topic(), wait);
                pause(wait);
                wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : wait.multipliedBy(2);
            }
        }
    }

    /** The record as it came, with why and where from in the headers the other consumers' dead letters carry. */
    private void deadLetter(ConsumerRecord<byte[], byte[]> record, Throwable reason) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add("dead-letter-reason", bytes(String.valueOf(reason.getMessage())));
        headers.add("dead-letter-exception-class-name", bytes(reason.getClass().getName()));
        headers.add("dead-letter-topic", bytes(record.topic()));
        headers.add("dead-letter-partition", bytes(Integer.toString(record.partition())));
        headers.add("dead-letter-offset", bytes(Long.toString(record.offset())));
        try {
            deadLetters.send(new ProducerRecord<>(Topics.EVENT_TRIGGERS_DLQ, null, record.key(), record.value(), headers))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not write to " + Topics.EVENT_TRIGGERS_DLQ + ": " + e.getMessage(), e);
        }
        metrics.deadLettered();
        LOG.warnf("record %s-%d@%d rejected to %s: %s", record.topic(), record.partition(), record.offset(),
                Topics.EVENT_TRIGGERS_DLQ, reason.getMessage());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Runs the database work on a Vert.x context, as Hibernate Reactive wants, and waits for it. */
    private static <T> T await(java.util.function.Supplier<io.smallrye.mutiny.Uni<T>> work) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(work);
    }

    private void pause(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * Where a partition starts when it is given to this instance: at its committed offset, but never before the
     * first record published after the earliest trigger on its topic started listening (records published
     * while a topic had no trigger, or before its first, are skipped without being read).
     */
    private final class Positions implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // nothing pending: the offsets of what was handled are committed after each poll
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<TopicPartition, Long> since = new HashMap<>();
            for (TopicPartition partition : partitions) {
                Instant start = activeSince.get(partition.topic());
                if (start != null) {
                    since.put(partition, start.toEpochMilli());
                }
            }
            if (since.isEmpty()) {
                return;
            }
            // the ends first: a record published between the two lookups is then at or after the end taken, and
            // read; taken the other way round, it would be found by neither and skipped
            Map<TopicPartition, Long> ends = consumer.endOffsets(since.keySet());
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(since);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(since.keySet());
            for (TopicPartition partition : since.keySet()) {
                OffsetAndTimestamp first = found.get(partition);
                long from = first != null ? first.offset() : ends.get(partition);
                OffsetAndMetadata at = committed.get(partition);
                consumer.seek(partition, at == null ? from : Math.max(at.offset(), from));
            }
        }
    }
}
