package io.taskmesh.scheduler.trigger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** Looks for due triggers every second (the finest cron field is the second). */
@ApplicationScoped
public class TriggerFirer {

    private final TriggerService triggers;

    public TriggerFirer(TriggerService triggers) {
        this.triggers = triggers;
    }

    @Scheduled(every = "${taskmesh.triggers.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> fire() {
        return triggers.fireDue(Instant.now()).replaceWithVoid();
    }
}
