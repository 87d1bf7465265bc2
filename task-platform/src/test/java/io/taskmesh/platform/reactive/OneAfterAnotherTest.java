package io.taskmesh.platform.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OneAfterAnotherTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void tenThousandStepsThatEndAtOnceRunInOrderAndLetTheEventLoopServeOthersMeanwhile() throws Exception {
        List<Integer> items = IntStream.range(0, 10_000).boxed().toList();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        List<Integer> worked = new ArrayList<>();
        List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> done = new CompletableFuture<>();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(started -> {
            // queued on the same event loop while the batch runs: served before the batch ends
            context.runOnContext(other -> seen.add("other handler, after item " + worked.size()));
            OneAfterAnother.each(items, item -> {
                worked.add(item);
                threads.add(Thread.currentThread());
                return Uni.createFrom().voidItem();
            }).subscribe().with(ok -> {
                seen.add("batch done");
                done.complete(null);
            }, done::completeExceptionally);
        });
        done.get(30, TimeUnit.SECONDS);

        assertThat(worked).containsExactlyElementsOf(items);
        assertThat(threads.stream().distinct()).as("one thread: the context's event loop").hasSize(1);
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).as("the other handler ran in the middle of the batch, not after it")
                .isEqualTo("other handler, after item " + (OneAfterAnother.SLICE - 1));
        assertThat(seen.get(1)).isEqualTo("batch done");
    }

    @Test
    void offTheEventLoopTheStepsRunBackToBack() {
        List<Integer> worked = new ArrayList<>();
        OneAfterAnother.each(List.of(1, 2, 3), item -> {
            worked.add(item);
            return Uni.createFrom().voidItem();
        }).await().indefinitely();
        assertThat(worked).containsExactly(1, 2, 3);
    }
}
