package io.taskmesh.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.ce.impl.DefaultIncomingCloudEventMetadata;
import io.taskmesh.events.MalformedEventException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
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
