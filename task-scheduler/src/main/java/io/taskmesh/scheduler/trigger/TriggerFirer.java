package io.taskmesh.scheduler.trigger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * Looks for due triggers every second (the finest cron field is the second), and fires batch after batch while
 * they come back full: the triggers due in one second are fired in that second however many there are, as far as
 * the database allows.
 */
@ApplicationScoped
public class TriggerFirer {

    private final TriggerService triggers;

    public TriggerFirer(TriggerService triggers) {
        this.triggers = triggers;
    }

    @Scheduled(every = "${taskmesh.triggers.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> fire() {
        return drain(0);
    }

    private Uni<Void> drain(int batches) {
        return triggers.fireDue(Instant.now()).chain(fired -> fired.full() && batches < MAX_BATCHES_PER_TICK
                ? drain(batches + 1) : Uni.createFrom().voidItem());
    }

    /** A tick ends after this many full batches even if more are due, so that shutdown is never held up long. */
    private static final int MAX_BATCHES_PER_TICK = 200;
}
