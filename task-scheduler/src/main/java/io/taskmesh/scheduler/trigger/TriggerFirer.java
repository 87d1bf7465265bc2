package io.taskmesh.scheduler.trigger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * Looks for due triggers every second (the finest cron field is the second) and fires them batch after batch
 * while batches come back full, so that however many fire times fall in one second they are fired in that second,
 * as far as the database allows. Each batch is a transaction of its own, on a duplicated context of its own, so
 * that it gets a session of its own rather than the one the previous batch closed.
 */
@ApplicationScoped
public class TriggerFirer {

    /** A round ends after this many full batches even if more are due, so that shutdown is never held up long. */
    static final int MAX_BATCHES_PER_ROUND = 100;

    private final TriggerService triggers;
    private final Vertx vertx;

    public TriggerFirer(TriggerService triggers, Vertx vertx) {
        this.triggers = triggers;
        this.vertx = vertx;
    }

    @Scheduled(every = "${taskmesh.triggers.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> fire() {
        return triggers.fireDue(Instant.now()).chain(fired -> fired.full() ? more(1) : Uni.createFrom().voidItem());
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
