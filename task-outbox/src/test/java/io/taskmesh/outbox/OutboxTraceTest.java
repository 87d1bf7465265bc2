package io.taskmesh.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.taskmesh.testing.KafkaProbe;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relay sends events later, from a timer of its own; each still continues the trace of the transaction
 * that stored it, as its {@code traceparent} header shows.
 */
@QuarkusTest
class OutboxTraceTest {

    private static final String TOPIC = "taskmesh.outbox-test";

    @Inject
    Outbox outbox;

    @Inject
    Tracer tracer;

    @BeforeAll
    static void createTopic() throws Exception {
        KafkaProbe.createTopic(TOPIC);
    }

    @Test
    void aRelayedEventContinuesTheTraceOfTheTransactionThatStoredIt() throws Throwable {
        try (KafkaProbe probe = KafkaProbe.watch(TOPIC)) {
            Span change = tracer.spanBuilder("change").startSpan();
            String traceId = change.getSpanContext().getTraceId();
            String traced = store(change);
            String untraced = store(null);

            String traceparent = probe.await(e -> traced.equals(e.key()), Duration.ofSeconds(30)).headers().get("traceparent");
            // the same trace, under the relay's producer span, which is a child of the span that stored it
            assertThat(traceparent).matches("00-" + traceId + "-[0-9a-f]{16}-01")
                    .doesNotContain(change.getSpanContext().getSpanId());
            // an event stored outside any trace starts one of its own: it takes nothing from the events beside it
            String other = probe.await(e -> untraced.equals(e.key()), Duration.ofSeconds(30)).headers().get("traceparent");
            assertThat(other).startsWith("00-").doesNotContain(traceId);
            change.end();
        }
    }

    /** Stores an event in a transaction of its own, within {@code span} when there is one; returns its key. */
    private String store(Span span) throws Throwable {
        String key = UUID.randomUUID().toString();
        VertxContextSupport.subscribeAndAwait(() -> {
            Scope scope = span == null ? Scope.noop() : span.makeCurrent();
            return Panache.withTransaction(() -> outbox.add(TOPIC, key, "io.taskmesh.test.changed.v1", key, "{}"))
                    .eventually(scope::close);
        });
        return key;
    }
}
