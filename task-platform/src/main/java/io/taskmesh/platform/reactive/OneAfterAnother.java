package io.taskmesh.platform.reactive;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Work on each item of a batch, one after the other (a reactive session serves one query at a time), without a
 * chain as deep as the batch: steps that end at once would otherwise nest one call per item, and a few hundred
 * of them exhaust the event loop's stack, after which the batch never completes.
 * <p>
 * Steps that end at once (an entity persisted, to be written at the flush) also run back to back without giving
 * the event loop back: the ten thousand leaves of a large run graph held a scheduler's event loop for seconds,
 * and with it every consumer and HTTP request on that loop. On an event loop, the work goes back to it every
 * {@value #SLICE} items and goes on in its turn, on the same context (the same thread, the same session).
 */
public final class OneAfterAnother {

    static final int SLICE = 200;

    private OneAfterAnother() {
    }

    public static <T> Uni<Void> each(Iterable<T> items, Function<T, Uni<?>> work) {
        Context context = Vertx.currentContext();
        AtomicInteger done = new AtomicInteger();
        return Multi.createFrom().iterable(items)
                .onItem().transformToUniAndConcatenate(item -> {
                    Uni<Void> turn = context != null && context.isEventLoopContext() && done.incrementAndGet() % SLICE == 0
                            ? Uni.createFrom().emitter(emitter -> context.runOnContext(ignored -> emitter.complete(null)))
                            : Uni.createFrom().voidItem();
                    return turn.chain(() -> work.apply(item)).replaceWith(Boolean.TRUE);
                })
                .collect().last().replaceWithVoid();
    }
}
