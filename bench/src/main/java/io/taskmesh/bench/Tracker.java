package io.taskmesh.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The runs a benchmark started and has not seen finish, matched with what happened to them: when each
 * was sent, when it started (RUNNING) and when it finished. Counts and latencies cover only the measured
 * window: in a closed loop, what happens inside it ({@link Counting#BY_EVENT}); at a fixed rate, every run
 * sent inside it, wherever it ends ({@link Counting#BY_SEND}), so that a slow run is never left out.
 */
final class Tracker {

    enum Counting { BY_EVENT, BY_SEND }

    /** Events of runs not known yet: an API answer can arrive after the run's first events. */
    private static final int EARLY_EVENTS_KEPT = 50_000;

    private final Counting counting;
    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();
    private final Map<String, long[]> early = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > EARLY_EVENTS_KEPT;
        }
    };
    private final Histogram toAccepted = histogram();
    private final Histogram toRunning = histogram();
    private final Histogram toFinished = histogram();
    private final LongAdder sent = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder lost = new LongAdder();
    private final AtomicReference<String> firstRefusal = new AtomicReference<>();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private volatile Consumer<String> onFinished = outcome -> { };

    Tracker(Counting counting) {
        this.counting = counting;
    }

    /** Only what happens in [start, end) (System.nanoTime) is counted. */
    void window(long start, long end) {
        windowStart = start;
        windowEnd = end;
    }

    /**
     * Called once per run that leaves the tracker, however: a closed loop starts the next one. The outcome
     * is null when the run succeeded, else what happened to it.
     */
    void onFinished(Consumer<String> action) {
        onFinished = action;
    }

    /** A run sent at {@code sentNanos} (asked for, or meant to be asked for at a fixed rate) is on its way. */
    Flight track(String id, long sentNanos) {
        Flight flight = new Flight(sentNanos);
        flights.put(id, flight);
        if (inWindow(sentNanos)) {
            sent.increment();
        }
        long[] seen;
        synchronized (early) {
            seen = early.remove(id);
        }
        if (seen != null) {
            if (seen[0] != 0) {
                started(id, seen[0]);
            }
            if (seen[1] != 0) {
                finished(id, seen[1], seen[2] == 1);
            }
        }
        return flight;
    }

    /** The platform took the run (HTTP 202, Kafka acknowledgement, row committed). */
    void accepted(long sentNanos, long nanos) {
        if (counted(sentNanos, nanos)) {
            accepted.increment();
            record(toAccepted, nanos - sentNanos);
        }
    }

    /** Starting a run failed; a tracked run of that id is forgotten. */
    void refused(String id, long sentNanos, Throwable error) {
        if (id != null && flights.remove(id) == null) {
            return;
        }
        String reason = error.getMessage() == null ? error.toString() : error.getMessage();
        if (counted(sentNanos, System.nanoTime())) {
            refused.increment();
            firstRefusal.compareAndSet(null, reason);
        }
        onFinished.accept("refused: " + reason);
    }

    void started(String id, long nanos) {
        Flight flight = flights.get(id);
        if (flight == null) {
            remember(id, 0, nanos, false);
            return;
        }
        if (flight.started == 0) {
            flight.started = nanos;
            if (counted(flight.sent, nanos)) {
                record(toRunning, nanos - flight.sent);
            }
        }
    }

    void finished(String id, long nanos, boolean success) {
        Flight flight = flights.remove(id);
        if (flight == null) {
            remember(id, 1, nanos, success);
            return;
        }
        if (counted(flight.sent, nanos)) {
            (success ? succeeded : failed).increment();
            record(toFinished, nanos - flight.sent);
        }
        flight.done.complete(success);
        onFinished.accept(success ? null : "the run failed");
    }

    /** Runs sent before {@code sentBefore} and never seen to finish are lost (or far too slow). */
    void giveUp(long sentBefore) {
        long now = System.nanoTime();
        flights.forEach((id, flight) -> {
            if (flight.sent < sentBefore && flights.remove(id, flight)) {
                if (counted(flight.sent, now)) {
                    lost.increment();
                }
                flight.done.complete(false);
                onFinished.accept("no end seen: lost, or slower than the run timeout");
            }
        });
    }

    int inFlight() {
        return flights.size();
    }

    Result result() {
        double seconds = (windowEnd - windowStart) / 1e9;
        return new Result(seconds, sent.sum(), accepted.sum(), succeeded.sum(), failed.sum(), refused.sum(), lost.sum(),
                firstRefusal.get(), Latency.of(toAccepted), Latency.of(toRunning), Latency.of(toFinished));
    }

    private boolean inWindow(long nanos) {
        return nanos >= windowStart && nanos < windowEnd;
    }

    private boolean counted(long sentNanos, long eventNanos) {
        return inWindow(counting == Counting.BY_SEND ? sentNanos : eventNanos);
    }

    private void remember(String id, int slot, long nanos, boolean success) {
        synchronized (early) {
            long[] seen = early.computeIfAbsent(id, k -> new long[3]);
            if (seen[slot] == 0) {
                seen[slot] = nanos;
            }
            if (slot == 1) {
                seen[2] = success ? 1 : 0;
            }
        }
    }

    private static void record(Histogram histogram, long nanos) {
        histogram.recordValue(Math.max(0, Math.min(nanos / 1_000, histogram.getHighestTrackableValue())));
    }

    /** Microseconds, up to an hour, three significant digits. */
    private static Histogram histogram() {
        return new ConcurrentHistogram(3_600_000_000L, 3);
    }

    static final class Flight {
        final long sent;
        final CompletableFuture<Boolean> done = new CompletableFuture<>();
        volatile long started;

        Flight(long sent) {
            this.sent = sent;
        }
    }

    /**
     * What a phase measured: runs sent, accepted by the platform, finished (succeeded or failed), refused
     * when started, and lost (not finished in time); latency from sending to the platform's answer (HTTP 202,
     * Kafka acknowledgement, row committed), to RUNNING and to the end.
     */
    record Result(double seconds, long sent, long accepted, long succeeded, long failed, long refused, long lost,
            String firstRefusal, Latency toAccepted, Latency toRunning, Latency toFinished) {

        @JsonProperty
        double acceptedPerSecond() {
            return accepted / seconds;
        }

        @JsonProperty
        double finishedPerSecond() {
            return (succeeded + failed) / seconds;
        }
    }
}
