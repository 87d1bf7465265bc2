package io.taskmesh.platform.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

    @Test
    void unixSecondsAndQuartzFormsAreAccepted() {
        ZonedDateTime start = ZonedDateTime.parse("2026-01-01T00:00:00Z");
        assertThat(CronSchedule.parse("*/5 * * * *", null).nextAfter(start)).contains(ZonedDateTime.parse("2026-01-01T00:05Z[UTC]"));
        assertThat(CronSchedule.parse("*/10 * * * * *", "UTC").nextAfter(start)).contains(ZonedDateTime.parse("2026-01-01T00:00:10Z[UTC]"));
        assertThat(CronSchedule.parse("0 0 12 ? * MON-FRI *", "UTC").nextAfter(start)).isPresent();
    }

    @Test
    void fireTimesFollowTheTimezoneAcrossADaylightSavingChange() {
        CronSchedule daily = CronSchedule.parse("0 9 * * *", "Europe/Paris");
        // the night of 29 March 2026 Paris moves from UTC+1 to UTC+2: 09:00 local is 08:00Z, then 07:00Z
        ZonedDateTime before = daily.nextAfter(ZonedDateTime.parse("2026-03-28T12:00:00Z")).orElseThrow();
        ZonedDateTime after = daily.nextAfter(before).orElseThrow();
        assertThat(before.toInstant().toString()).isEqualTo("2026-03-29T07:00:00Z");
        assertThat(after.toInstant().toString()).isEqualTo("2026-03-30T07:00:00Z");
        assertThat(daily.nextAfter(ZonedDateTime.parse("2026-03-27T12:00:00Z")).orElseThrow().toInstant().toString())
                .isEqualTo("2026-03-28T08:00:00Z");
    }

    @Test
    void badExpressionsAndTimezonesAreNamed() {
        assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", null)).hasMessageContaining("61 * * * *");
        assertThatThrownBy(() -> CronSchedule.parse("* *", null)).hasMessageContaining("5, 6");
        assertThatThrownBy(() -> CronSchedule.parse("* * * * *", "Mars/Olympus")).hasMessageContaining("IANA");
    }
}
