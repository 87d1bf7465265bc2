package io.taskmesh.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The two ways a phase starts runs, each on virtual threads: a closed loop keeps a fixed number of runs in
 * flight (a new one starts when one finishes: as fast as they complete), an open loop starts them at a
 * fixed rate whatever happens to them. Each phase warms up, is measured, then waits for what is in flight.
 */
final class Load {

    /** Starts one run meant to leave at {@code sentNanos}; it tells the tracker about it. */
    interface Starter {
        void start(long sentNanos) throws Exception;
    }

    /** What a phase does while it is measured (e.g. sample the services' memory). */
    interface Window {
        Window NONE = measuring -> { };

        void measuring(boolean on);
    }

    private final Tracker tracker;
    private final int warmupSeconds;
    private final int seconds;
    private final int drainSeconds;
    private final int runTimeoutSeconds;

    Load(Tracker tracker, Options options) {
        this.tracker = tracker;
        this.warmupSeconds = options.warmup();
        this.seconds = options.seconds();
        this.drainSeconds = options.drainSeconds();
        this.runTimeoutSeconds = options.runTimeoutSeconds();
    }

    Tracker.Result closed(int concurrency, Starter starter, Window window) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        tracker.onFinished(outcome -> permits.release());
        long begin = System.nanoTime();
        long from = begin + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long to = from + TimeUnit.SECONDS.toNanos(seconds);
        tracker.window(from, to);
        boolean measuring = false;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            while (System.nanoTime() < to) {
                measuring = toggle(window, measuring, System.nanoTime() >= from);
                if (!permits.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                    tracker.giveUp(System.nanoTime() - TimeUnit.SECONDS.toNanos(runTimeoutSeconds));
                    continue;
                }
                threads.submit(() -> startOne(starter, System.nanoTime()));
            }
            window.measuring(false);
        }
        drain();
        tracker.onFinished(outcome -> { });
        return tracker.result();
    }

    Tracker.Result open(double perSecond, int maxConcurrentRequests, Starter starter, Window window)
            throws InterruptedException {
        Semaphore requests = new Semaphore(maxConcurrentRequests);
        long period = Math.round(1e9 / perSecond);
        long begin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long from = begin + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long to = from + TimeUnit.SECONDS.toNanos(seconds);
        tracker.window(from, to);
        boolean measuring = false;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; ; i++) {
                long at = begin + i * period;
                if (at >= to) {
                    break;
                }
                long wait;
                while ((wait = at - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                measuring = toggle(window, measuring, at >= from);
                // latency counts from the moment the run was due, so a request that waits for a free
                // connection is late, not left out
                threads.submit(() -> {
                    requests.acquireUninterruptibly();
                    try {
                        startOne(starter, at);
                    } finally {
                        requests.release();
                    }
                });
                if (i % 100 == 0) {
                    tracker.giveUp(System.nanoTime() - TimeUnit.SECONDS.toNanos(runTimeoutSeconds));
                }
            }
        }
        window.measuring(false);
        drain();
        return tracker.result();
    }

    /** A platform just started may first catch up with what its topics received while it was down. */
    private static final int PROBE_TIMEOUT_SECONDS = 180;
    private static final int PROBE_RETRY_SECONDS = 10;

    /**
     * Starts one run before a phase and waits for it to succeed, so that a platform that does not process
     * runs (or does not know the task yet) fails the benchmark with a reason, not with zeros.
     */
    void probe(Starter starter, String how) throws Exception {
        int timeout = Math.max(PROBE_TIMEOUT_SECONDS, runTimeoutSeconds);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        tracker.onFinished(o -> outcome.complete(o == null ? "" : o));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
        try {
            // a task the benchmark has just defined is known to the scheduler a moment later; a run command sent
            // before that waits for it, but a platform still catching up may take longer than the command waits
            // (then it goes to the dead-letter topic), so another is sent every few seconds
            String failure = null;
            while (failure == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException();
                }
                starter.start(System.nanoTime());
                try {
                    failure = outcome.get(Math.min(left, TimeUnit.SECONDS.toNanos(PROBE_RETRY_SECONDS)), TimeUnit.NANOSECONDS);
                } catch (TimeoutException notYet) {
                    // send another
                }
            }
            if (!failure.isEmpty()) {
                throw new IllegalStateException("a run started " + how + " did not succeed: " + failure);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("a run started " + how + " did not finish within " + timeout
                    + " s: is the platform processing runs? (bin/taskmesh status, bin/taskmesh logs task-scheduler)");
        } finally {
            tracker.onFinished(o -> { });
            tracker.giveUp(Long.MAX_VALUE);
        }
    }

    /** Starts {@code runs} runs one after the other, each once the one before has finished: unloaded latency. */
    Tracker.Result oneAtATime(int runs, Starter starter) throws InterruptedException {
        Semaphore finished = new Semaphore(0);
        tracker.onFinished(outcome -> finished.release());
        long begin = System.nanoTime();
        tracker.window(begin, Long.MAX_VALUE);
        for (int i = 0; i < runs; i++) {
            startOne(starter, System.nanoTime());
            if (!finished.tryAcquire(runTimeoutSeconds, TimeUnit.SECONDS)) {
                tracker.giveUp(Long.MAX_VALUE);
                finished.drainPermits();
            }
        }
        tracker.window(begin, System.nanoTime());
        tracker.onFinished(outcome -> { });
        return tracker.result();
    }

    private void startOne(Starter starter, long sentNanos) {
        try {
            starter.start(sentNanos);
        } catch (Exception e) {
            tracker.refused(null, sentNanos, e);
            // a refusal comes back at once: do not let a closed loop spin on it
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** Waits for the runs still in flight, then gives up on the rest (lost when they were counted). */
    private void drain() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
        while (tracker.inFlight() > 0 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        tracker.giveUp(Long.MAX_VALUE);
    }

    private static boolean toggle(Window window, boolean was, boolean now) {
        if (now != was) {
            window.measuring(now);
        }
        return now;
    }
}
