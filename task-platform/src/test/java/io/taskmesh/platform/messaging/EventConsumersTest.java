package io.taskmesh.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.ce.impl.DefaultIncomingCloudEventMetadata;
import io.taskmesh.events.MalformedEventException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

class EventConsumersTest {

    private final AtomicReference<String> outcome = new AtomicReference<>("pending");

    /** A consumed CloudEvent that records whether it was acknowledged or rejected. */
    private Message<String> record() {
        var ce = new DefaultIncomingCloudEventMetadata<String>("1.0", "event-1", URI.create("urn:test"),
                "io.taskmesh.test.v1", "application/json", null, "run-1", null, Map.of(), "{}");
        return Message.of("{}", Metadata.of(ce), () -> {
            outcome.set("acked");
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            outcome.set("nacked: " + failure.getMessage());
            return CompletableFuture.completedFuture(null);
        });
    }

    /** A run's event consumed in a trace, as the Kafka connector hands it over. */
    private Message<String> runEvent(SpanContext consumerSpan) {
        var ce = new DefaultIncomingCloudEventMetadata<String>("1.0", "event-2", URI.create("urn:test"),
                "io.taskmesh.run.started.v1", "application/json", null, "run-7", null, Map.of(), "{}");
        return Message.of("{}", Metadata.of(ce, TracingMetadata.withCurrent(Context.root().with(Span.wrap(consumerSpan)))),
                () -> CompletableFuture.completedFuture(null), failure -> CompletableFuture.completedFuture(null));
    }

    @Test
    void everyLogLineWhileARunsEventIsHandledNamesTheRunAndTheTraceAndNoneAfter() {
        SpanContext span = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                TraceFlags.getSampled(), TraceState.getDefault());
        Map<String, Object> during = new HashMap<>();
        EventConsumers.handle(runEvent(span), event -> {
            for (String key : new String[] { "runId", "traceId", "spanId" }) {
                during.put(key, MDC.get(key));
            }
            return Uni.createFrom().voidItem();
        }).await().atMost(Duration.ofSeconds(5));
        assertThat(during).containsEntry("runId", "run-7")
                .containsEntry("traceId", "4bf92f3577b34da6a3ce929d0e0e4736").containsEntry("spanId", "00f067aa0ba902b7");
        assertThat(MDC.get("runId")).isNull();
        assertThat(MDC.get("traceId")).isNull();
    }

    @Test
    void anEventAboutNoRunPutsNoRunId() {
        AtomicReference<Object> during = new AtomicReference<>("unset");
        EventConsumers.handle(record(), event -> {
            during.set(MDC.get("runId"));
            return Uni.createFrom().voidItem();
        }).await().atMost(Duration.ofSeconds(5));
        assertThat(during.get()).isNull();
    }

    @Test
    void aHandledEventIsAcknowledged() {
        EventConsumers.handle(record(), event -> Uni.createFrom().voidItem()).await().atMost(Duration.ofSeconds(5));
        assertThat(outcome.get()).isEqualTo("acked");
    }

    @Test
    void aMalformedEventIsRejectedAtOnceWithoutRetries() {
        AtomicInteger calls = new AtomicInteger();
        EventConsumers.handle(record(), event -> {
            calls.incrementAndGet();
            throw new MalformedEventException("not a run event");
        }).await().atMost(Duration.ofSeconds(5));
        assertThat(calls).hasValue(1);
        assertThat(outcome.get()).isEqualTo("nacked: not a run event");
    }

    @Test
    void aFailureThatMayPassIsRetriedThenSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        EventConsumers.handle(record(), event -> calls.incrementAndGet() < 3
                ? Uni.createFrom().failure(new IllegalStateException("database restarting"))
                : Uni.createFrom().voidItem()).await().atMost(Duration.ofSeconds(10));
        assertThat(calls).hasValue(3);
        assertThat(outcome.get()).isEqualTo("acked");
    }

    @Test
    void aFailureThatDoesNotPassIsRejectedWhenItsRetryWindowEnds() {
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        EventConsumers.handle(record(), event -> {
            calls.incrementAndGet();
            return Uni.createFrom().failure(new IllegalStateException("still behind"));
        }, Duration.ofSeconds(2)).await().atMost(Duration.ofSeconds(10));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(outcome.get()).startsWith("nacked");
        assertThat(calls.get()).isGreaterThan(2);
        assertThat(took).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void theRetryWindowEndsLongBeforeTheConnectorGivesUpOnAnUnacknowledgedRecord() {
        // the Kafka connector stops a channel whose record waits 60 s for its acknowledgement
        assertThat(EventConsumers.RETRY_FOR).isLessThanOrEqualTo(Duration.ofSeconds(30));
    }
}
