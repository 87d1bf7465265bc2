package io.taskmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrackerTest {

    private static final long MS = 1_000_000;

    @Test
    void aClosedLoopCountsWhatFinishesInsideTheWindow() {
        Tracker tracker = new Tracker(Tracker.Counting.BY_EVENT);
        tracker.window(1_000 * MS, 2_000 * MS);
        tracker.track("warm", 900 * MS);
        tracker.track("a", 1_100 * MS);
        tracker.track("late", 1_900 * MS);
        tracker.started("warm", 1_010 * MS);
        tracker.finished("warm", 1_020 * MS, true);   // sent during warm-up, finished inside: counted
        tracker.started("a", 1_150 * MS);
        tracker.finished("a", 1_300 * MS, false);
        tracker.finished("late", 2_100 * MS, true);   // after the window: not counted

        Tracker.Result r = tracker.result();
        assertThat(r.succeeded()).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.toFinished().count()).isEqualTo(2);
        assertThat(r.toFinished().max()).isEqualTo(200.0, offset(0.5));
        assertThat(r.toRunning().p50()).isEqualTo(50.0, offset(0.5));
        assertThat(r.finishedPerSecond()).isEqualTo(2.0);
    }

    @Test
    void aFixedRateCountsEveryRunSentInsideTheWindowWhereverItEnds() {
        Tracker tracker = new Tracker(Tracker.Counting.BY_SEND);
        tracker.window(1_000 * MS, 2_000 * MS);
        tracker.track("slow", 1_500 * MS);
        tracker.track("never", 1_600 * MS);
        tracker.track("before", 900 * MS);
        tracker.finished("slow", 9_500 * MS, true);
        tracker.finished("before", 1_100 * MS, true);
        tracker.giveUp(Long.MAX_VALUE);

        Tracker.Result r = tracker.result();
        assertThat(r.sent()).isEqualTo(2);
        assertThat(r.succeeded()).isEqualTo(1);
        assertThat(r.lost()).isEqualTo(1);
        assertThat(r.toFinished().max()).isEqualTo(8_000.0, offset(10.0));
    }

    @Test
    void eventsThatArriveBeforeTheApiAnswerStillCount() {
        Tracker tracker = new Tracker(Tracker.Counting.BY_EVENT);
        tracker.window(0, Long.MAX_VALUE);
        List<String> outcomes = new ArrayList<>();
        tracker.onFinished(outcomes::add);
        tracker.started("quick", 1_050 * MS);
        tracker.finished("quick", 1_060 * MS, true);
        tracker.track("quick", 1_000 * MS);

        assertThat(outcomes).containsExactly((String) null);
        assertThat(tracker.inFlight()).isZero();
        assertThat(tracker.result().succeeded()).isEqualTo(1);
        assertThat(tracker.result().toRunning().p50()).isEqualTo(50.0, offset(0.5));
    }
}
