package io.taskmesh.scheduler.trigger.event;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * {@code taskmesh_trigger_events_total{outcome}}: what the events read for event triggers did (one count per
 * trigger an event reached: fired, filtered-out, expression-failed, duplicate, predates-trigger; and
 * dead-lettered per record that could not be taken); {@code taskmesh_trigger_event_topics}, the topics read now;
 * {@code taskmesh_trigger_event_topics_refused_total}, subscriptions Kafka refused (ACLs). The consumer and the
 * dead-letter producer have the Kafka client meters the channels have ({@code kafka_consumer_*} lag,
 * {@code kafka_producer_record_send_total}), so the lag and dead-letter alerts cover them too.
 */
@ApplicationScoped
public class EventTriggerMetrics {

    private final Map<EventTriggerService.Outcome, Counter> outcomes = new EnumMap<>(EventTriggerService.Outcome.class);
    private final Counter deadLettered;
    private final Counter refused;
    private final AtomicInteger topics = new AtomicInteger();
    private final MeterRegistry registry;

    public EventTriggerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (EventTriggerService.Outcome outcome : EventTriggerService.Outcome.values()) {
            outcomes.put(outcome, counter(registry, outcome.tag()));
        }
        deadLettered = counter(registry, "dead-lettered");
        refused = Counter.builder("taskmesh.trigger.event.topics.refused")
                .description("Topics of event triggers Kafka refused to let the scheduler read").register(registry);
        Gauge.builder("taskmesh.trigger.event.topics", topics, AtomicInteger::get)
                .description("Topics the scheduler reads for event triggers").register(registry);
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("taskmesh.trigger.events").tag("outcome", outcome)
                .description("Events read for event triggers, by what they did").register(registry);
    }

    void counted(EventTriggerService.Outcome outcome) {
        outcomes.get(outcome).increment();
    }

    void deadLettered() {
        deadLettered.increment();
    }

    void refused(int count) {
        refused.increment(count);
    }

    void reading(int count) {
        topics.set(count);
    }

    KafkaClientMetrics bind(Consumer<?, ?> consumer) {
        KafkaClientMetrics meters = new KafkaClientMetrics(consumer);
        meters.bindTo(registry);
        return meters;
    }

    KafkaClientMetrics bind(Producer<?, ?> producer) {
        KafkaClientMetrics meters = new KafkaClientMetrics(producer);
        meters.bindTo(registry);
        return meters;
    }
}
