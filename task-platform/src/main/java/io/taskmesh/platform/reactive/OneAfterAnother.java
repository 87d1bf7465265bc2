package io.taskmesh.platform.reactive;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;

/**
 * Work on each item of a batch, one after the other (a reactive session serves one query at a time), without a
 * chain as deep as the batch: steps that end at once would otherwise nest one call per item, and a few hundred
 * of them exhaust the event loop's stack, after which the batch never completes.
 */
public final class OneAfterAnother {

    private OneAfterAnother() {
    }

    public static <T> Uni<Void> each(Iterable<T> items, Function<T, Uni<?>> work) {
        return Multi.createFrom().iterable(items)
                .onItem().transformToUniAndConcatenate(item -> work.apply(item).replaceWith(Boolean.TRUE))
                .collect().last().replaceWithVoid();
    }
}
