package io.taskmesh.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RunStatusTest {

    @Test
    void terminalStatusesAcceptNoTransitionExceptARetryOfAFailure() {
        for (RunStatus from : RunStatus.values()) {
            if (!from.isTerminal()) {
                continue;
            }
            for (RunStatus to : RunStatus.values()) {
                boolean retry = from == RunStatus.FAILED && to == RunStatus.QUEUED;
                assertThat(from.canTransitionTo(to)).as(from + " -> " + to).isEqualTo(retry);
            }
        }
    }

    @Test
    void theHappyPathIsAllowedAndShortcutsAreNot() {
        assertThat(RunStatus.PENDING.canTransitionTo(RunStatus.QUEUED)).isTrue();
        assertThat(RunStatus.QUEUED.canTransitionTo(RunStatus.RUNNING)).isTrue();
        assertThat(RunStatus.RUNNING.canTransitionTo(RunStatus.SUCCEEDED)).isTrue();
        assertThat(RunStatus.RUNNING.canTransitionTo(RunStatus.AWAITING_VALIDATION)).isTrue();
        assertThat(RunStatus.AWAITING_VALIDATION.canTransitionTo(RunStatus.REVISE)).isTrue();
        assertThat(RunStatus.REVISE.canTransitionTo(RunStatus.QUEUED)).isTrue();
        assertThat(RunStatus.PENDING.canTransitionTo(RunStatus.SUCCEEDED)).isFalse();
        assertThat(RunStatus.QUEUED.canTransitionTo(RunStatus.PENDING)).isFalse();
        assertThat(RunStatus.AWAITING_VALIDATION.canTransitionTo(RunStatus.SUCCEEDED)).isFalse();
    }

    @Test
    void everyStatusHasItsOwnEventTypeThatMapsBack() {
        assertThat(RunStatus.RUNNING.eventType()).isEqualTo("io.taskmesh.run.started.v1");
        assertThat(RunStatus.TIMED_OUT.eventType()).isEqualTo("io.taskmesh.run.timed-out.v1");
        Arrays.stream(RunStatus.values())
                .forEach(s -> assertThat(RunStatus.fromEventType(s.eventType())).isEqualTo(s));
        assertThatThrownBy(() -> RunStatus.fromEventType("io.taskmesh.run.create.v1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLaterStatusIsReachableThroughMissedIntermediateOnes() {
        assertThat(RunStatus.PENDING.canReach(RunStatus.RUNNING)).isTrue();
        assertThat(RunStatus.PENDING.canReach(RunStatus.SUCCEEDED)).isTrue();
        assertThat(RunStatus.SUCCEEDED.canReach(RunStatus.RUNNING)).isFalse();
        assertThat(RunStatus.RUNNING.canReach(RunStatus.PENDING)).isFalse();
        assertThat(RunStatus.FAILED.canReach(RunStatus.SUCCEEDED)).isTrue();
    }
}
