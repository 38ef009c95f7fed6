package dev.vending.cost;

import java.util.TreeMap;

import dev.vending.failure.BadInput;
import dev.vending.fleet.CronExpression;
import dev.vending.fleet.Schedule;

/**
 * Hours per week a scheduled fleet is up: the time from each start to the next stop over one
 * week, from the minutes of the week at which each cron expression fires. Counts any expression
 * whose day-of-month and month are {@code *} (the same days every week).
 */
public final class WeeklyHours {
    public static final int MINUTES_PER_WEEK = 7 * 24 * 60;

    private WeeklyHours() {
    }

    /** Hours per week the schedule keeps the fleet started; throws (exit 2) for forms it cannot count. */
    public static double of(Schedule schedule) {
        TreeMap<Integer, Boolean> events = new TreeMap<>();
        for (int minute : weekly("--schedule-start", schedule.start()).minutesOfWeek()) {
            events.put(minute, true);
        }
        for (int minute : weekly("--schedule-stop", schedule.stop()).minutesOfWeek()) {
            if (Boolean.TRUE.equals(events.put(minute, false))) {
                throw new BadInput("--schedule-stop", "starts and stops at the same time of the week; "
                        + "cannot count the fleet's hours (give --hours-per-week)");
            }
        }
        // The state before the first event of the week is the state after the last one.
        boolean up = events.lastEntry().getValue();
        int previous = events.lastKey() - MINUTES_PER_WEEK;
        int upMinutes = 0;
        for (var e : events.entrySet()) {
            if (up) {
                upMinutes += e.getKey() - previous;
            }
            up = e.getValue();
            previous = e.getKey();
        }
        return upMinutes / 60.0;
    }

    private static CronExpression weekly(String option, CronExpression cron) {
        if (!cron.weekly()) {
            throw new BadInput(option, "cannot count the fleet's hours per week from '" + cron.text()
                    + "' (day-of-month and month must be *); give them with --hours-per-week");
        }
        return cron;
    }
}
