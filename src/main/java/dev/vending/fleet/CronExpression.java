package dev.vending.fleet;

import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

import dev.vending.failure.BadInput;

/**
 * A five-field Unix cron expression as Auto Scaling scheduled actions accept it ({@code minute
 * hour day-of-month month day-of-week}, e.g. {@code 0 8 * * 1-5}), parsed once: the schedule keeps
 * its normalised text, and the cost estimate asks it when in the week it fires.
 */
public final class CronExpression {
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
            "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    private static final int DAYS_PER_WEEK = 7;

    private final String text;
    private final BitSet minutes;
    private final BitSet hours;
    private final boolean everyDayOfMonth;
    private final boolean everyMonth;
    private final BitSet daysOfWeek;

    private CronExpression(String text, BitSet minutes, BitSet hours, boolean everyDayOfMonth, boolean everyMonth,
            BitSet daysOfWeek) {
        this.text = text;
        this.minutes = minutes;
        this.hours = hours;
        this.everyDayOfMonth = everyDayOfMonth;
        this.everyMonth = everyMonth;
        this.daysOfWeek = daysOfWeek;
    }

    /** Parses {@code expression} or throws naming {@code option}. */
    public static CronExpression parse(String option, String expression) {
        if (expression == null || expression.isBlank()) {
            throw new BadInput(option, "empty cron expression (expected 5 fields, e.g. \"0 8 * * 1-5\")");
        }
        String[] fields = expression.trim().split("\\s+");
        if (fields.length != 5) {
            throw new BadInput(option, "cron expression '" + expression + "' has " + fields.length
                    + " fields; expected 5 (minute hour day-of-month month day-of-week), e.g. \"0 8 * * 1-5\"");
        }
        BitSet minutes = field(option, expression, fields[0], "minute", 0, 59, null);
        BitSet hours = field(option, expression, fields[1], "hour", 0, 23, null);
        field(option, expression, fields[2], "day-of-month", 1, 31, null);
        field(option, expression, fields[3], "month", 1, 12, MONTHS);
        BitSet days = field(option, expression, fields[4], "day-of-week", 0, 7, DAYS);
        BitSet daysOfWeek = new BitSet(DAYS_PER_WEEK);
        days.stream().forEach(d -> daysOfWeek.set(d % DAYS_PER_WEEK)); // 7 is Sunday too
        return new CronExpression(String.join(" ", fields), minutes, hours, fields[2].equals("*"), fields[3].equals("*"),
                daysOfWeek);
    }

    /** The normalised expression: the fields joined by single spaces. */
    public String text() {
        return text;
    }

    /** True when it fires on the same days every week: day-of-month and month are {@code *}. */
    public boolean weekly() {
        return everyDayOfMonth && everyMonth;
    }

    /** The minutes of the week (0 is Sunday 00:00) at which a {@link #weekly()} expression fires. */
    public SortedSet<Integer> minutesOfWeek() {
        if (!weekly()) {
            throw new IllegalStateException("'" + text + "' does not fire on the same days every week");
        }
        SortedSet<Integer> out = new TreeSet<>();
        daysOfWeek.stream().forEach(d -> hours.stream().forEach(h -> minutes.stream()
                .forEach(m -> out.add((d * 24 + h) * 60 + m))));
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronExpression c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }

    /** The values a field allows, from min to max; {@code *}, lists, ranges, steps and names. */
    private static BitSet field(String option, String expr, String field, String what, int min, int max, List<String> names) {
        BitSet values = new BitSet(max + 1);
        for (String part : field.split(",", -1)) {
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(option, expr, part.substring(slash + 1), what, 1, max, null);
                if (step < 1) {
                    throw bad(option, expr, what, part);
                }
            }
            int lo;
            int hi;
            if (range.equals("*")) {
                lo = min;
                hi = max;
            } else {
                int dash = range.indexOf('-');
                if (dash > 0) {
                    lo = number(option, expr, range.substring(0, dash), what, min, max, names);
                    hi = number(option, expr, range.substring(dash + 1), what, min, max, names);
                    if (lo > hi) {
                        throw bad(option, expr, what, part);
                    }
                } else {
                    lo = number(option, expr, range, what, min, max, names);
                    // "5/15" steps from 5 to the end of the field
                    hi = slash >= 0 ? max : lo;
                }
            }
            for (int v = lo; v <= hi; v += step) {
                values.set(v);
            }
        }
        return values;
    }

    private static int number(String option, String expr, String s, String what, int min, int max, List<String> names) {
        if (names != null) {
            int idx = names.indexOf(s.toUpperCase(Locale.ROOT));
            if (idx >= 0) {
                return names == MONTHS ? idx + 1 : idx;
            }
        }
        if (s.isEmpty() || s.length() > 2 || !s.chars().allMatch(Character::isDigit)) {
            throw bad(option, expr, what, s);
        }
        int v = Integer.parseInt(s);
        if (v < min || v > max) {
            throw new BadInput(option, "cron expression '" + expr + "': " + what + " " + v
                    + " is outside " + min + ".." + max);
        }
        return v;
    }

    private static BadInput bad(String option, String expr, String what, String part) {
        return new BadInput(option, "cron expression '" + expr + "': invalid " + what + " field '" + part + "'");
    }
}
