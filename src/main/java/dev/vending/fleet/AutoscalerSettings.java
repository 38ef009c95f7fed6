package dev.vending.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.vending.failure.BadInput;

/**
 * The docker-autoscaler mode's own settings: how the runner manager uses its worker group.
 *
 * @param maxUseCount   jobs an instance runs before it is removed ({@code max_use_count}; 0 = no limit,
 *                      1 = a fresh machine for every job)
 * @param idleCount     idle job slots kept ready ({@code idle_count} counts jobs, not instances); with a
 *                      schedule, only in the scheduled hours
 * @param idleSeconds   how long an idle instance may stay before it is removed ({@code idle_time})
 * @param pluginVersion the fleeting AWS plugin version constraint installed on the manager (1, 1.2 or 1.2.3)
 * @param periods       unix-cron periods of the warm policy ({@code periods}); empty without a schedule
 * @param timeZone      IANA zone the periods are read in
 */
public record AutoscalerSettings(int maxUseCount, int idleCount, int idleSeconds, String pluginVersion,
        List<String> periods, String timeZone) {

    /** Pinned fleeting AWS plugin version (OCI tag in registry.gitlab.com/gitlab-org/fleeting/plugins/aws). */
    public static final String DEFAULT_PLUGIN_VERSION = "1.0.0";
    public static final int DEFAULT_IDLE_SECONDS = 20 * 60;
    public static final int DEFAULT_MAX_USE_COUNT = 100;
    public static final int DEFAULT_MAX_WORKERS = 10;
    public static final int MAX_USE_COUNT_LIMIT = 100_000;
    /** docker-autoscaler went GA in GitLab Runner 17.1 (and `fleeting install` exists since 16.11). */
    public static final int[] MIN_RUNNER_VERSION = {17, 1, 0};
    private static final Pattern PLUGIN_VERSION = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){0,2}");
    private static final Pattern FIXED = Pattern.compile("\\d{1,2}");

    public AutoscalerSettings {
        if (maxUseCount < 0 || maxUseCount > MAX_USE_COUNT_LIMIT) {
            throw new BadInput("--max-use-count", "must be between 0 (no limit) and " + MAX_USE_COUNT_LIMIT
                    + " (got " + maxUseCount + ")");
        }
        if (idleCount < 0 || idleCount > Capacity.LIMIT) {
            throw new BadInput("--idle-count", "must be between 0 and " + Capacity.LIMIT + " (got " + idleCount + ")");
        }
        if (idleSeconds < 60 || idleSeconds > 24 * 3600) {
            throw new BadInput("--idle-time", "must be between 1m and 24h (got " + idleSeconds + " s)");
        }
        if (pluginVersion == null || !PLUGIN_VERSION.matcher(pluginVersion).matches()) {
            throw new BadInput("--fleeting-plugin-version", "must be a version like 1, 1.2 or 1.2.3 (got '" + pluginVersion + "')");
        }
        periods = List.copyOf(periods);
        if (!periods.isEmpty() && idleCount == 0) {
            throw new BadInput("--idle-count", "must be at least 1 with a schedule: it is the warm capacity kept in the scheduled hours");
        }
    }

    /** The manager's instance type: it only polls GitLab and drives SSH tunnels to the workers. */
    public static String managerType(Arch arch) {
        return arch == Arch.ARM64 ? "t4g.small" : "t3.small";
    }

    /** {@code idle_time} as Go writes a duration (what the runner's TOML decoder reads), e.g. 20m0s or 1h30m0s. */
    public String idleTime() {
        int h = idleSeconds / 3600;
        int m = idleSeconds % 3600 / 60;
        int s = idleSeconds % 60;
        return (h > 0 ? h + "h" : "") + (h > 0 || m > 0 ? m + "m" : "") + s + "s";
    }

    /** Parses --idle-time (90, 90s, 45m or 2h) into seconds. */
    public static int parseIdleTime(String value) {
        try {
            return RunnerSettings.parseDuration(value);
        } catch (BadInput e) {
            throw new BadInput("--idle-time", "'" + value + "' is not a duration (e.g. 20m, 1h or 600)");
        }
    }

    /** Checks that a pinned runner version has the executor (latest always has). */
    public static void checkRunnerVersion(String version) {
        if (version == null || "latest".equals(version)) {
            return;
        }
        String[] parts = version.split("\\.");
        for (int i = 0; i < 3; i++) {
            int v = Integer.parseInt(parts[i]);
            if (v != MIN_RUNNER_VERSION[i]) {
                if (v < MIN_RUNNER_VERSION[i]) {
                    throw new BadInput("--runner-version", version + " has no generally available docker-autoscaler executor; "
                            + "use 17.1.0 or later (or latest)");
                }
                return;
            }
        }
    }

    /**
     * Turns the scheduled start and stop into the unix-cron periods of a runner policy. A policy period
     * is a span of time (every minute it matches), while --schedule-start/--schedule-stop are instants,
     * so both need a fixed minute and hour and the same day fields; the span is [start, stop).
     */
    public static List<String> periods(Schedule schedule) {
        String[] start = schedule.start().text().split(" ");
        String[] stop = schedule.stop().text().split(" ");
        for (int i = 0; i < 2; i++) {
            if (!FIXED.matcher(start[i]).matches()) {
                throw new BadInput("--schedule-start", "needs a fixed minute and hour with --executor docker-autoscaler "
                        + "(the schedule becomes policy periods), e.g. \"0 8 * * 1-5\"; got '" + schedule.start().text() + "'");
            }
            if (!FIXED.matcher(stop[i]).matches()) {
                throw new BadInput("--schedule-stop", "needs a fixed minute and hour with --executor docker-autoscaler "
                        + "(the schedule becomes policy periods), e.g. \"0 18 * * 1-5\"; got '" + schedule.stop().text() + "'");
            }
        }
        String days = start[2] + " " + start[3] + " " + start[4];
        if (!days.equals(stop[2] + " " + stop[3] + " " + stop[4])) {
            throw new BadInput("--schedule-stop", "must have the same day-of-month, month and day-of-week fields as "
                    + "--schedule-start with --executor docker-autoscaler (got '" + schedule.stop().text() + "')");
        }
        int from = Integer.parseInt(start[1]) * 60 + Integer.parseInt(start[0]);
        int to = Integer.parseInt(stop[1]) * 60 + Integer.parseInt(stop[0]);
        List<String> periods = new ArrayList<>();
        if (from < to) {
            span(periods, from, to, days);
        } else if (days.equals("* * *")) {
            // an overnight window is only expressible when every day is in it
            span(periods, from, 24 * 60, days);
            if (to > 0) {
                span(periods, 0, to, days);
            }
        } else {
            throw new BadInput("--schedule-stop", "must be later on the same day than --schedule-start with "
                    + "--executor docker-autoscaler (overnight windows need '* * *' day fields)");
        }
        return periods;
    }

    /** Cron periods covering the minutes [from, to) of one day: a partial first hour, whole hours, a partial last hour. */
    private static void span(List<String> out, int from, int to, String days) {
        int fromHour = from / 60;
        int fromMinute = from % 60;
        int toHour = to / 60;
        int toMinute = to % 60;
        if (fromHour == toHour) {
            out.add(range(fromMinute, toMinute - 1) + " " + fromHour + " " + days);
            return;
        }
        int firstWhole = fromHour;
        if (fromMinute > 0) {
            out.add(range(fromMinute, 59) + " " + fromHour + " " + days);
            firstWhole++;
        }
        if (firstWhole <= toHour - 1) {
            out.add("* " + range(firstWhole, toHour - 1) + " " + days);
        }
        if (toMinute > 0) {
            out.add(range(0, toMinute - 1) + " " + toHour + " " + days);
        }
    }

    private static String range(int lo, int hi) {
        return lo == hi ? Integer.toString(lo) : lo + "-" + hi;
    }
}
