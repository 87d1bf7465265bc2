package io.taskmesh.bench;

import org.HdrHistogram.Histogram;

/** Percentiles of a latency histogram recorded in microseconds, in milliseconds; none without samples. */
record Latency(long count, Double p50, Double p95, Double p99, Double max) {

    static Latency of(Histogram microseconds) {
        Histogram h = microseconds.copy();
        if (h.getTotalCount() == 0) {
            return new Latency(0, null, null, null, null);
        }
        return new Latency(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)),
                ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()));
    }

    private static Double ms(long micros) {
        return Math.round(micros / 100.0) / 10.0;
    }
}
