package io.taskmesh.scheduler.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskmesh.events.EventJson;
import io.taskmesh.scheduler.run.service.RetryPolicy;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void withoutLimitsARunIsTriedOnce() {
        RetryPolicy policy = RetryPolicy.of(EventJson.readTree("{}"));
        assertThat(policy.allowsAnotherAfter(1)).isFalse();
    }

    @Test
    void delaysGrowExponentiallyWithinHalfAndFullOfTheCappedBackoff() {
        RetryPolicy policy = RetryPolicy.of(EventJson.readTree(
                "{\"limits\":{\"maxAttempts\":5,\"backoff\":{\"initialSeconds\":2,\"multiplier\":3,\"maxSeconds\":10}}}"));
        Random random = new Random(42);
        assertThat(policy.allowsAnotherAfter(4)).isTrue();
        assertThat(policy.allowsAnotherAfter(5)).isFalse();
        for (int i = 0; i < 100; i++) {
            assertThat(policy.delayAfter(1, random)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(policy.delayAfter(2, random)).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(6));
            assertThat(policy.delayAfter(4, random)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
        }
    }
}
