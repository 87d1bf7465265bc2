package io.taskmesh.scheduler.run.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How often and when a failed run is tried again, from the task's {@code limits}: {@code maxAttempts}
 * (default 1: no retry) and {@code backoff} ({@code initialSeconds} 1, {@code multiplier} 2,
 * {@code maxSeconds} 300). The delay before attempt n+1 is initial × multiplier^(n-1), capped, with
 * "equal jitter": half of it fixed, half random, so retries of many runs failing together spread out.
 */
public record RetryPolicy(int maxAttempts, double initialSeconds, double multiplier, double maxSeconds) {

    public static RetryPolicy of(JsonNode definition) {
        JsonNode limits = definition.path("limits");
        JsonNode backoff = limits.path("backoff");
        return new RetryPolicy(limits.path("maxAttempts").asInt(1), backoff.path("initialSeconds").asDouble(1),
                backoff.path("multiplier").asDouble(2), backoff.path("maxSeconds").asDouble(300));
    }

    public boolean allowsAnotherAfter(int attempt) {
        return attempt < maxAttempts;
    }

    public Duration delayAfter(int attempt, RandomGenerator random) {
        double base = Math.min(maxSeconds, initialSeconds * Math.pow(multiplier, Math.max(0, attempt - 1)));
        double seconds = base / 2 + random.nextDouble() * base / 2;
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
