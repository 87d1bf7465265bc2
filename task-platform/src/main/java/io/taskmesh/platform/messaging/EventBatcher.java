package io.taskmesh.platform.messaging;

import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Handles the records of a channel in batches: while one batch is being handled (one transaction for all its
 * events), the records that arrive meanwhile are gathered, and handled together once it is done. Under load a
 * consumer so pays one transaction for many events instead of one each; alone, a record is handled at once.
 * <p>
 * Each consumer of the channel (its Vert.x context) has batches of its own, so the events of one partition are
 * handled in the order they were read. A record is acknowledged once the batch that holds it is committed. A
 * record that is not a valid event is rejected at once, as {@link EventConsumers#handle} rejects it. A batch that
 * fails is rolled back and its events are then handled one at a time, each with the retries and the dead-letter
 * topic of {@link EventConsumers#handle}: a bad event never takes the others down with it.
 *
 * @param <T> the data of the events, parsed and checked against their schema
 */
public final class EventBatcher<T> {

    /** One event of a batch: the record, its CloudEvent attributes and its data. */
    public record Batched<T>(Message<?> message, IncomingEvent event, T data) {
    }

    private static final Logger LOG = Logger.getLogger(EventBatcher.class);

    private final Function<IncomingEvent, T> parse;
    private final Function<List<Batched<T>>, Uni<Void>> batch;
    private final Function<Batched<T>, Uni<Void>> single;
    private final int maxBatch;
    private final Map<Context, Lane> lanes = new ConcurrentHashMap<>();

    /**
     * @param parse reads an event's data (throws {@link io.taskmesh.events.MalformedEventException} when it is not valid)
     * @param batch handles a batch of events in order, in one transaction
     * @param single handles one event, in a transaction of its own (after a batch failed)
     * @param maxBatch the most events in one batch; more records wait before the consumer reads on
     */
    public EventBatcher(Function<IncomingEvent, T> parse, Function<List<Batched<T>>, Uni<Void>> batch,
            Function<Batched<T>, Uni<Void>> single, int maxBatch) {
        this.parse = parse;
        this.batch = batch;
        this.single = single;
        this.maxBatch = maxBatch;
    }

    /**
     * Handles the events of a batch one after the other (the next once the one before is done), each with its
     * run id in the MDC of the log lines written meanwhile.
     */
    public static <T> Uni<Void> eachInOrder(List<Batched<T>> batch, Function<Batched<T>, Uni<Void>> handler) {
        Uni<Void> all = Uni.createFrom().voidItem();
        for (Batched<T> item : batch) {
            all = all.chain(() -> {
                LogContext log = LogContext.of(item.event().runId(), EventTrace.of(item.message()));
                try (LogContext.Entered entered = log.enter()) {
                    return handler.apply(item).onTermination().invoke(log::leave);
                }
            });
        }
        return all;
    }

    /**
     * As {@link #eachInOrder}, the runs in the order of their ids, the events of each run in the order they came:
     * for handlers that lock the runs they change. Transactions that handle batches of several runs side by side
     * (another consumer's, another replica's) then lock those runs in one order and never wait on each other in a
     * circle, which PostgreSQL breaks only after {@code deadlock_timeout} (a second), failing one of them.
     */
    public static <T> Uni<Void> eachByRun(List<Batched<T>> batch, Function<Batched<T>, Uni<Void>> handler) {
        return eachInOrder(byRun(batch), handler);
    }

    /** The batch by run id, each run's events in the order they came (a stable sort); as it came when one has no run. */
    static <T> List<Batched<T>> byRun(List<Batched<T>> batch) {
        if (batch.size() < 2 || batch.stream().anyMatch(item -> item.event().runId() == null)) {
            return batch;
        }
        List<Batched<T>> ordered = new ArrayList<>(batch);
        ordered.sort(Comparator.comparing(item -> item.event().runId()));
        return ordered;
    }

    /**
     * Takes a record: the answer completes once the consumer may hand over the next one (at once while the
     * batch being gathered has room), not once this one is handled; it is acknowledged then.
     */
    public Uni<Void> accept(Message<?> message) {
        Batched<T> item;
        try {
            IncomingEvent event = IncomingEvent.of(message);
            item = new Batched<>(message, event, parse.apply(event));
        } catch (RuntimeException malformed) {
            return EventConsumers.reject(message, malformed, null);
        }
        Context context = Vertx.currentContext();
        if (context == null) {
            return handleAlone(item);
        }
        Context root = VertxContext.getRootContext(context);
        return lanes.computeIfAbsent(root == null ? context : root, key -> new Lane()).add(item, context);
    }

    private Uni<Void> handleAlone(Batched<T> item) {
        return EventConsumers.handle(item.message(), event -> single.apply(item));
    }

    /** The batches of one consumer: one being handled at most, and the records gathered meanwhile. */
    private final class Lane {

        private record Waiting<T>(Batched<T> item, Context context, CompletableFuture<Void> admitted) {
        }

        private final ArrayDeque<Waiting<T>> gathered = new ArrayDeque<>();
        private boolean busy;

        Uni<Void> add(Batched<T> item, Context context) {
            Waiting<T> waiting = new Waiting<>(item, context, new CompletableFuture<>());
            boolean start;
            synchronized (this) {
                gathered.add(waiting);
                start = !busy;
                busy = true;
                if (!start && gathered.size() < maxBatch) {
                    waiting.admitted().complete(null);
                }
            }
            if (start) {
                next();
            }
            return Uni.createFrom().completionStage(waiting.admitted());
        }

        /** Handles what was gathered, on the context of its first record; then the next batch, if any. */
        private void next() {
            List<Waiting<T>> taken = new ArrayList<>();
            synchronized (this) {
                while (!gathered.isEmpty() && taken.size() < maxBatch) {
                    taken.add(gathered.poll());
                }
                if (taken.isEmpty()) {
                    busy = false;
                    return;
                }
            }
            taken.forEach(w -> w.admitted().complete(null));
            List<Batched<T>> items = taken.stream().map(Waiting::item).toList();
            taken.get(0).context().runOnContext(ignored -> handle(items).subscribe().with(done -> next(), failure -> {
                LOG.errorf(failure, "a batch of %d events was not handled", items.size());
                next();
            }));
        }

        private Uni<Void> handle(List<Batched<T>> items) {
            // only a batch that failed is handled again one at a time: not one whose acknowledgement failed
            return Uni.createFrom().deferred(() -> batch.apply(items)).replaceWith(true)
                    .onFailure().recoverWithItem(failure -> {
                        LOG.debugf(failure, "a batch of %d events failed: handling them one at a time", items.size());
                        return false;
                    })
                    .chain(committed -> committed ? ackAll(items) : oneByOne(items));
        }

        private Uni<Void> oneByOne(List<Batched<T>> items) {
            Uni<Void> all = Uni.createFrom().voidItem();
            for (Batched<T> item : items) {
                all = all.chain(() -> handleAlone(item));
            }
            return all;
        }

        private Uni<Void> ackAll(List<Batched<T>> items) {
            CompletableFuture<?>[] acks = items.stream()
                    .map(item -> item.message().ack().toCompletableFuture()).toArray(CompletableFuture[]::new);
            return Uni.createFrom().completionStage(CompletableFuture.allOf(acks));
        }
    }
}
