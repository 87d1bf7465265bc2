package io.taskmesh.executor.run;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where this executor's runs execute: at most {@code taskmesh.executor.concurrency} at a time, each on its own
 * virtual thread, so a slow model or HTTP call never holds up another run or the consumer. Knows which attempt
 * runs on which thread (to stop a run that was cancelled or timed out elsewhere) and which attempts it has
 * already taken (a redelivered request for one of them is not carried out twice).
 */
@ApplicationScoped
public class RunSlots {

    private static final int REMEMBERED = 10_000;

    private final Semaphore permits;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Thread> running = new ConcurrentHashMap<>();
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();
    private final Set<String> taken = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED;
                }
            }));

    public RunSlots(@ConfigProperty(name = "taskmesh.executor.concurrency", defaultValue = "32") int concurrency) {
        this.permits = new Semaphore(concurrency);
    }

    /** Completes once a slot is free (waiting on a worker thread, never on the event loop). */
    public Uni<Void> acquire() {
        return Uni.createFrom().item(() -> {
            permits.acquireUninterruptibly();
            return (Void) null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    public void release() {
        permits.release();
    }

    /** Whether this attempt request ({@code run/attempt/seq}) is new here; remembers it if so. */
    public boolean take(String attemptKey) {
        return taken.add(attemptKey);
    }

    /** Runs the work for one run on a virtual thread of its own, where {@link #stop} can interrupt it. */
    public <T> CompletableFuture<T> run(String runId, Supplier<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            running.put(runId, Thread.currentThread());
            try {
                return work.get();
            } finally {
                running.remove(runId);
            }
        }, threads);
    }

    /** Stops the run if it runs here: its thread is interrupted and its outcome is not reported. */
    public void stop(String runId) {
        Thread thread = running.get(runId);
        if (thread != null) {
            stopped.add(runId);
            thread.interrupt();
        }
    }

    /** Whether the run was stopped from outside; asking forgets it. */
    public boolean wasStopped(String runId) {
        return stopped.remove(runId);
    }

    public int running() {
        return running.size();
    }

    /** Run requests taken from Kafka that wait for a slot: this executor's queue. */
    public int waiting() {
        return permits.getQueueLength();
    }

    @PreDestroy
    void close() {
        threads.shutdownNow();
    }
}
