package io.taskmesh.scheduler.run.service;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * The scheduler's watch over runs it handed out: starts the next attempt of failed runs once their backoff
 * has passed, times out runs past their deadline even if their executor died, and takes again the runs whose
 * executor stopped sending heartbeats (their lease ran out), and starts the runs that wait for a concurrency slot
 * when one is free ({@link ConcurrencySlots}), and settles the run commands that wait for their task's definition
 * ({@link WaitingCommands}). Work is claimed from the
 * database with {@code FOR UPDATE SKIP LOCKED}, so replicas share it without doing anything twice.
 */
@ApplicationScoped
public class RunSupervisor {

    private final RunScheduler scheduler;
    private final ConcurrencySlots slots;
    private final WaitingCommands waiting;

    public RunSupervisor(RunScheduler scheduler, ConcurrencySlots slots, WaitingCommands waiting) {
        this.scheduler = scheduler;
        this.slots = slots;
        this.waiting = waiting;
    }

    @Scheduled(every = "${taskmesh.supervision.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> supervise() {
        Instant now = Instant.now();
        return scheduler.retryDue(now).chain(() -> scheduler.expire(now)).chain(() -> scheduler.expireLeases(now))
                .chain(slots::admitWaiting).chain(() -> scheduler.settleWaiting(now)).invoke(waiting::givenUp).replaceWithVoid();
    }
}
