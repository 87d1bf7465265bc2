package io.taskmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void defaultsAreTheFullBenchmark() {
        Options o = Options.parse("throughput");
        assertThat(o.seconds()).isEqualTo(60);
        assertThat(o.warmup()).isEqualTo(10);
        assertThat(o.rates()).containsExactly(100, 500);
        assertThat(o.via()).containsExactly("api", "kafka");
        assertThat(o.user()).isEqualTo("alice");
        assertThat(o.password()).isEqualTo("alice");
    }

    @Test
    void everyDurationAndRateIsAFlag() {
        Options o = Options.parse("latency", "--seconds", "10", "--warmup=3", "--rate", "5,20", "--concurrency", "4",
                "--via", "kafka", "--limit-seconds", "2", "--drain", "0", "--user", "bob");
        assertThat(o.seconds()).isEqualTo(10);
        assertThat(o.warmup()).isEqualTo(3);
        assertThat(o.rates()).isEqualTo(List.of(5, 20));
        assertThat(o.concurrency()).isEqualTo(4);
        assertThat(o.via()).containsExactly("kafka");
        assertThat(o.limitSeconds()).isEqualTo(2);
        assertThat(o.drainSeconds()).isZero();
        assertThat(o.password()).isEqualTo("bob");
    }

    @Test
    void theListScenarioTakesTheNumberOfRunsInTheTable() {
        assertThat(Options.parse("list").runs()).isEqualTo(1_000_000);
        Options o = Options.parse("list", "--runs", "20000", "--samples", "5");
        assertThat(o.runs()).isEqualTo(20_000);
        assertThat(o.samples()).isEqualTo(5);
        assertThatThrownBy(() -> Options.parse("list", "--runs", "0")).hasMessageContaining("at least 1");
    }

    @Test
    void mistakesSayWhatIsWrong() {
        assertThatThrownBy(() -> Options.parse("speed")).hasMessageContaining("unknown scenario 'speed'");
        assertThatThrownBy(() -> Options.parse("peer", "--seconds")).hasMessageContaining("--seconds needs a value");
        assertThatThrownBy(() -> Options.parse("peer", "--seconds", "ten")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Options.parse("peer", "--seconds", "0")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> Options.parse("peer", "--via", "grpc")).hasMessageContaining("'grpc'");
        assertThatThrownBy(() -> Options.parse("peer", "--fast", "1")).hasMessageContaining("unknown flag '--fast'");
        assertThatThrownBy(() -> Options.parse()).isInstanceOf(Options.UsageException.class);
    }
}
