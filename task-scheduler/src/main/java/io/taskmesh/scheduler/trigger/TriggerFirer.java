package io.taskmesh.scheduler.trigger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Looks for due triggers every second (the finest cron field is the second) and fires them batch after batch
 * while batches come back full, so that however many fire times fall in one second they are fired in that second,
 * as far as the database allows. When the first batch is full, several chains of batches go on side by side
 * ({@code taskmesh.triggers.parallel-batches}): a batch waits on the database most of its time, and the claim skips
 * the triggers another batch holds. Each batch is a transaction of its own, on a duplicated context of its own, so
 * that it gets a session of its own rather than the one the previous batch closed.
 */
@ApplicationScoped
public class TriggerFirer {

    /** A round ends after this many full batches even if more are due, so that shutdown is never held up long. */
    static final int MAX_BATCHES_PER_ROUND = 100;

    private final TriggerService triggers;
    private final Vertx vertx;
    private final int parallelBatches;

    public TriggerFirer(TriggerService triggers, Vertx vertx,
            @ConfigProperty(name = "taskmesh.triggers.parallel-batches", defaultValue = "3") int parallelBatches) {
        this.triggers = triggers;
        this.vertx = vertx;
        this.parallelBatches = Math.max(1, parallelBatches);
    }

    @Scheduled(every = "${taskmesh.triggers.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
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
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        return Uni.createFrom().<TriggerService.Fired>emitter(emitter -> context.runOnContext(ignored ->
                        triggers.fireDue(Instant.now()).subscribe().with(emitter::complete, emitter::fail)))
                .chain(fired -> fired.full() && batches < MAX_BATCHES_PER_ROUND ? more(batches + 1)
                        : Uni.createFrom().voidItem());
    }
}
