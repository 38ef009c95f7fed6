package dev.vending.fleet;

import java.util.List;
import java.util.Locale;

import dev.vending.failure.BadInput;

/**
 * Validates the five-field Unix cron format that Auto Scaling scheduled actions accept
 * ({@code minute hour day-of-month month day-of-week}), e.g. {@code 0 8 * * 1-5}.
 */
public final class CronExpression {
    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
            "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    private CronExpression() {
    }

    /** Returns the normalised expression (single spaces) or throws naming {@code option}. */
    public static String validate(String option, String expression) {
        if (expression == null || expression.isBlank()) {
            throw new BadInput(option, "empty cron expression (expected 5 fields, e.g. \"0 8 * * 1-5\")");
        }
        String[] fields = expression.trim().split("\\s+");
        if (fields.length != 5) {
            throw new BadInput(option, "cron expression '" + expression + "' has " + fields.length
                    + " fields; expected 5 (minute hour day-of-month month day-of-week), e.g. \"0 8 * * 1-5\"");
        }
        field(option, expression, fields[0], "minute", 0, 59, null);
        field(option, expression, fields[1], "hour", 0, 23, null);
        field(option, expression, fields[2], "day-of-month", 1, 31, null);
        field(option, expression, fields[3], "month", 1, 12, MONTHS);
        field(option, expression, fields[4], "day-of-week", 0, 7, DAYS);
        return String.join(" ", fields);
    }

    private static void field(String option, String expr, String field, String what, int min, int max, List<String> names) {
        for (String part : field.split(",", -1)) {
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                int step = number(option, expr, part.substring(slash + 1), what, 1, max, null);
                if (step < 1) {
                    throw bad(option, expr, what, part);
                }
            }
            if (range.equals("*")) {
                continue;
            }
            int dash = range.indexOf('-');
            if (dash > 0) {
                int lo = number(option, expr, range.substring(0, dash), what, min, max, names);
                int hi = number(option, expr, range.substring(dash + 1), what, min, max, names);
                if (lo > hi) {
                    throw bad(option, expr, what, part);
                }
            } else {
                number(option, expr, range, what, min, max, names);
            }
        }
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
