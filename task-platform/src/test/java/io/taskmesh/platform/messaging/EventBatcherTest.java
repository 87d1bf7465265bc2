package io.taskmesh.platform.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.ce.impl.DefaultIncomingCloudEventMetadata;
import io.taskmesh.events.MalformedEventException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventBatcherTest {

    private final Vertx vertx = Vertx.vertx();
    /** What became of each record, by its data: "acked" or "nacked: <why>". */
    private final Map<String, String> outcomes = new ConcurrentHashMap<>();
    /** The batches handled, each as the data of its events in order. */
    private final List<List<String>> batches = new ArrayList<>();
    private final List<String> alone = new ArrayList<>();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private Message<String> record(String data) {
        var ce = new DefaultIncomingCloudEventMetadata<String>("1.0", "event-" + data, URI.create("urn:test"),
                "io.taskmesh.test.v1", "application/json", null, null, null, Map.of(), data);
        return Message.of(data, Metadata.of(ce), () -> {
            outcomes.put(data, "acked");
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            outcomes.put(data, "nacked: " + failure.getMessage());
            return CompletableFuture.completedFuture(null);
        });
    }

    private static String parse(IncomingEvent event) {
        if (event.data().startsWith("malformed")) {
            throw new MalformedEventException("not an event: " + event.data());
        }
        return event.data();
    }

    /** Hands the records to the batcher one after the other on one consumer's context, as the connector does. */
    private void consume(EventBatcher<String> batcher, List<String> data) throws InterruptedException {
        Context consumer = vertx.getOrCreateContext();
        Uni<Void> all = Uni.createFrom().voidItem();
        for (String d : data) {
            // each record on the consumer's context, the next once the batcher let the one before go
            all = all.chain(() -> Uni.createFrom().<Void>emitter(next -> consumer.runOnContext(ignored ->
                    batcher.accept(record(d)).subscribe().with(next::complete, next::fail))));
        }
        all.await().atMost(Duration.ofSeconds(10));
    }

    private void awaitOutcomes(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (outcomes.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(outcomes).hasSize(count);
    }

    /** Holds the batch being handled until the test opens it (open unless a test closes it). */
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

    /** A batch handler that takes 100 ms, as a transaction would, and at least until the gate opens; then succeeds. */
    private Uni<Void> slowBatch(List<EventBatcher.Batched<String>> batch) {
        synchronized (batches) {
            batches.add(batch.stream().map(EventBatcher.Batched::data).toList());
        }
        CompletableFuture<Void> held = gate;
        return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(100))
                .chain(() -> Uni.createFrom().completionStage(held));
    }

    /** Hands the records over while the first batch is held, then lets it end. */
    private void consumeWhileTheFirstBatchIsHeld(EventBatcher<String> batcher, List<String> data) throws InterruptedException {
        gate = new CompletableFuture<>();
        try {
            consume(batcher, data);
        } finally {
            gate.complete(null);
        }
    }

    private Uni<Void> single(EventBatcher.Batched<String> item) {
        synchronized (alone) {
            alone.add(item.data());
        }
        return item.data().startsWith("bad") ? Uni.createFrom().failure(new MalformedEventException("refused " + item.data()))
                : Uni.createFrom().voidItem();
    }

    @Test
    void recordsThatArriveWhileABatchIsHandledAreHandledTogetherInTheirOrderThenAcknowledged() throws Exception {
        EventBatcher<String> batcher = new EventBatcher<>(EventBatcherTest::parse, this::slowBatch, this::single, 100);
        List<String> data = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            data.add("e" + i);
        }
        consumeWhileTheFirstBatchIsHeld(batcher, data);
        awaitOutcomes(50);
        assertThat(outcomes.values()).containsOnly("acked");
        // the first alone (nothing was in flight), the 49 that came meanwhile together
        assertThat(batches).containsExactly(data.subList(0, 1), data.subList(1, 50));
        assertThat(alone).isEmpty();
    }

    @Test
    void aBatchHoldsAtMostItsLimitAndTheConsumerWaitsBeyondIt() throws Exception {
        EventBatcher<String> batcher = new EventBatcher<>(EventBatcherTest::parse, this::slowBatch, this::single, 10);
        List<String> data = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            data.add("e" + i);
        }
        consume(batcher, data);
        awaitOutcomes(35);
        assertThat(batches).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(10));
        assertThat(batches.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(data);
    }

    @Test
    void aMalformedRecordIsRejectedAtOnceAndTheOthersAreHandled() throws Exception {
        EventBatcher<String> batcher = new EventBatcher<>(EventBatcherTest::parse, this::slowBatch, this::single, 100);
        consume(batcher, List.of("e1", "malformed-2", "e3"));
        awaitOutcomes(3);
        assertThat(outcomes).containsEntry("e1", "acked").containsEntry("e3", "acked")
                .containsEntry("malformed-2", "nacked: not an event: malformed-2");
        assertThat(batches.stream().flatMap(List::stream).toList()).containsExactly("e1", "e3");
    }

    @Test
    void aBatchThatFailsIsHandledOneEventAtATimeSoThatOnlyTheBadOneIsRejected() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EventBatcher<String> batcher = new EventBatcher<>(EventBatcherTest::parse, batch -> {
            calls.incrementAndGet();
            boolean bad = batch.stream().anyMatch(b -> b.data().startsWith("bad"));
            return slowBatch(batch).chain(() -> bad ? Uni.createFrom().failure(new IllegalStateException("rolled back"))
                    : Uni.createFrom().voidItem());
        }, this::single, 100);
        consumeWhileTheFirstBatchIsHeld(batcher, List.of("e1", "e2", "bad-3", "e4"));
        awaitOutcomes(4);
        assertThat(outcomes).containsEntry("e1", "acked").containsEntry("e2", "acked").containsEntry("e4", "acked")
                .containsEntry("bad-3", "nacked: refused bad-3");
        // e1 alone, then e2..e4 together; that batch failed, so its three were handled alone, in order
        assertThat(alone).containsExactly("e2", "bad-3", "e4");
        assertThat(calls).hasValue(2);
    }

    private static EventBatcher.Batched<String> ofRun(String runId, String data) {
        IncomingEvent event = new IncomingEvent("event-" + data, "io.taskmesh.run.running.v1", "urn:test", runId, data);
        return new EventBatcher.Batched<>(Message.of(data), event, data);
    }

    @Test
    void aBatchHandledRunByRunTakesTheRunsInTheOrderOfTheirIdsAndEachRunsEventsInTheirs() {
        List<EventBatcher.Batched<String>> batch = List.of(ofRun("c", "c1"), ofRun("a", "a1"), ofRun("c", "c2"),
                ofRun("b", "b1"), ofRun("a", "a2"), ofRun("c", "c3"));
        List<String> handled = new ArrayList<>();
        EventBatcher.eachByRun(batch, item -> {
            handled.add(item.data());
            return Uni.createFrom().voidItem();
        }).await().atMost(Duration.ofSeconds(5));
        // two batches that lock runs a, b and c take them in one order: neither waits for the other in a circle
        assertThat(handled).containsExactly("a1", "a2", "b1", "c1", "c2", "c3");
    }

    @Test
    void aBatchWithAnEventOfNoRunIsHandledAsItCame() {
        List<EventBatcher.Batched<String>> batch = List.of(ofRun("c", "c1"), ofRun(null, "task"), ofRun("a", "a1"));
        List<String> handled = new ArrayList<>();
        EventBatcher.eachByRun(batch, item -> {
            handled.add(item.data());
            return Uni.createFrom().voidItem();
        }).await().atMost(Duration.ofSeconds(5));
        assertThat(handled).containsExactly("c1", "task", "a1");
    }
}
