package dev.vending.fleet;

import java.time.ZoneId;

import dev.vending.failure.BadInput;

/**
 * Scheduled uptime: scale to {@code runnersWhenStarted} at {@code start} and to zero at
 * {@code stop}, both in {@code timeZone} (IANA name).
 */
public record Schedule(CronExpression start, CronExpression stop, String timeZone, int runnersWhenStarted) {
    public static final String DEFAULT_TIME_ZONE = "UTC";

    public Schedule {
        if (timeZone == null || !ZoneId.getAvailableZoneIds().contains(timeZone)) {
            throw new BadInput("--timezone", "unknown time zone '" + timeZone
                    + "' (expected an IANA name such as UTC, Europe/Berlin or America/New_York)");
        }
        if (runnersWhenStarted < 1 || runnersWhenStarted > Capacity.LIMIT) {
            throw new BadInput("--schedule-runners", "must be between 1 and " + Capacity.LIMIT
                    + " (got " + runnersWhenStarted + ")");
        }
        if (start.equals(stop)) {
            throw new BadInput("--schedule-stop", "is the same as --schedule-start");
        }
    }

    /** From the flags' text: {@code --schedule-start}, {@code --schedule-stop}, {@code --timezone}, {@code --schedule-runners}. */
    public Schedule(String startCron, String stopCron, String timeZone, int runnersWhenStarted) {
        this(CronExpression.parse("--schedule-start", startCron), CronExpression.parse("--schedule-stop", stopCron), timeZone,
                runnersWhenStarted);
    }
}
