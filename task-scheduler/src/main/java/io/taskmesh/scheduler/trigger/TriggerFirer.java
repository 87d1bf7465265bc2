package io.taskmesh.scheduler.trigger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Fires the due triggers in rounds, one per second, each starting just after the second turns: fire times are
 * whole seconds (the finest cron field), so a round that started at a fixed phase of the second would add up to a
 * second of lag to every one of them. A round that ends after the next second began is followed by the next at
 * once. A round fires batch after batch while batches come back full, so that however many fire times fall in one
 * second they are fired in that second, as far as the database allows. When the first batch is full, several
 * chains of batches go on side by side ({@code taskmesh.triggers.parallel-batches}): a batch waits on the database
 * most of its time, and the claim skips the triggers another batch holds. Each batch is a transaction of its own,
 * on a duplicated context of its own, so that it gets a session of its own rather than the one the previous batch
 * closed.
 */
@ApplicationScoped
public class TriggerFirer {

    private static final Logger LOG = Logger.getLogger(TriggerFirer.class);

    /** A round ends after this many full batches even if more are due, so that shutdown is never held up long. */
    static final int MAX_BATCHES_PER_ROUND = 100;

    private final TriggerService triggers;
    private final Vertx vertx;
    private final int parallelBatches;
    private volatile boolean running;
    private volatile long timer = -1;

    public TriggerFirer(TriggerService triggers, Vertx vertx,
            @ConfigProperty(name = "taskmesh.triggers.parallel-batches", defaultValue = "3") int parallelBatches) {
        this.triggers = triggers;
        this.vertx = vertx;
        this.parallelBatches = Math.max(1, parallelBatches);
    }

    void start(@Observes StartupEvent started) {
        running = true;
        after(Instant.now().getEpochSecond() - 1);
    }

    void stop(@Observes ShutdownEvent stopping) {
        running = false;
        vertx.cancelTimer(timer);
    }

    /** The next round: on the first millisecond of the second after {@code second}, or at once if that has passed. */
    private void after(long second) {
        if (!running) {
            return;
        }
        long delay = (second + 1) * 1000 + 1 - System.currentTimeMillis();
        timer = vertx.setTimer(Math.max(1, delay), id -> round());
    }

    private void round() {
        long second = Instant.now().getEpochSecond();
        onContextOfItsOwn(this::fire).subscribe().with(done -> after(second), failure -> {
            LOG.warnf(failure, "firing the due triggers failed; trying again in the next round");
            after(second);
        });
    }

    Uni<Void> fire() {
        return triggers.fireDue(Instant.now()).chain(fired -> {
            if (!fired.full()) {
                return Uni.createFrom().voidItem();
            }
            List<Uni<Void>> chains = new ArrayList<>();
            for (int i = 0; i < parallelBatches; i++) {
                chains.add(more(1));
            }
            return Uni.join().all(chains).andCollectFailures().replaceWithVoid();
        });
    }

    private Uni<Void> more(int batches) {
        return onContextOfItsOwn(() -> triggers.fireDue(Instant.now()))
                .chain(fired -> fired.full() && batches < MAX_BATCHES_PER_ROUND ? more(batches + 1)
                        : Uni.createFrom().voidItem());
    }

    private <T> Uni<T> onContextOfItsOwn(Supplier<Uni<T>> work) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        return Uni.createFrom().<T>emitter(emitter -> context.runOnContext(ignored ->
                work.get().subscribe().with(emitter::complete, emitter::fail)));
    }
}
