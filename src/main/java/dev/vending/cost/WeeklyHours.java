package dev.vending.cost;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

import dev.vending.failure.BadInput;
import dev.vending.fleet.Schedule;

/**
 * Hours per week a scheduled fleet is up: the time from each start to the next stop over one
 * week. Understands the common cron forms: a fixed minute and hour, any day of month and month,
 * and day-of-week as {@code *}, a day, a range or a list of those (numbers 0-7 or SUN-SAT).
 */
public final class WeeklyHours {
    public static final int MINUTES_PER_WEEK = 7 * 24 * 60;
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    private WeeklyHours() {
    }

    /** Hours per week the schedule keeps the fleet started; throws (exit 2) for forms it cannot count. */
    public static double of(Schedule schedule) {
        TreeMap<Integer, Boolean> events = new TreeMap<>();
        for (int minute : minutesOfWeek("--schedule-start", schedule.startCron())) {
            events.put(minute, true);
        }
        for (int minute : minutesOfWeek("--schedule-stop", schedule.stopCron())) {
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

    static List<Integer> minutesOfWeek(String option, String cron) {
        String[] f = cron.trim().split("\\s+");
        int minute = fixed(option, cron, f[0], "minute");
        int hour = fixed(option, cron, f[1], "hour");
        if (!f[2].equals("*") || !f[3].equals("*")) {
            throw cannot(option, cron, "day-of-month and month must be *");
        }
        List<Integer> out = new ArrayList<>();
        for (int day : days(option, cron, f[4])) {
            out.add(day * 24 * 60 + hour * 60 + minute);
        }
        return out;
    }

    private static int fixed(String option, String cron, String field, String what) {
        if (!field.chars().allMatch(Character::isDigit) || field.isEmpty()) {
            throw cannot(option, cron, "the " + what + " must be one number");
        }
        return Integer.parseInt(field);
    }

    private static boolean[] dayMask(String option, String cron, String field) {
        boolean[] mask = new boolean[7];
        if (field.equals("*")) {
            java.util.Arrays.fill(mask, true);
            return mask;
        }
        for (String part : field.split(",")) {
            if (part.contains("/") || part.contains("*")) {
                throw cannot(option, cron, "day-of-week steps are not supported");
            }
            int dash = part.indexOf('-');
            int lo = day(option, cron, dash > 0 ? part.substring(0, dash) : part);
            int hi = dash > 0 ? day(option, cron, part.substring(dash + 1)) : lo;
            for (int d = lo; d <= hi; d++) {
                mask[d % 7] = true;
            }
        }
        return mask;
    }

    private static List<Integer> days(String option, String cron, String field) {
        boolean[] mask = dayMask(option, cron, field);
        List<Integer> out = new ArrayList<>();
        for (int d = 0; d < 7; d++) {
            if (mask[d]) {
                out.add(d);
            }
        }
        return out;
    }

    private static int day(String option, String cron, String s) {
        int idx = DAYS.indexOf(s.toUpperCase(Locale.ROOT));
        if (idx >= 0) {
            return idx;
        }
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit)) {
            throw cannot(option, cron, "day-of-week '" + s + "' is not a day");
        }
        return Integer.parseInt(s);
    }

    private static BadInput cannot(String option, String cron, String why) {
        return new BadInput(option, "cannot count the fleet's hours per week from '" + cron + "' (" + why
                + "); give them with --hours-per-week");
    }
}
