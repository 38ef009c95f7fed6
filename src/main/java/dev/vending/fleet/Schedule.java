package dev.vending.fleet;

import java.time.ZoneId;

import dev.vending.failure.BadInput;

/**
 * Scheduled uptime: scale to {@code runnersWhenStarted} at {@code startCron} and to zero at
 * {@code stopCron}, both in {@code timeZone} (IANA name).
 */
public record Schedule(String startCron, String stopCron, String timeZone, int runnersWhenStarted) {
    public Schedule {
        startCron = CronExpression.validate("--schedule-start", startCron);
        stopCron = CronExpression.validate("--schedule-stop", stopCron);
        if (timeZone == null || !ZoneId.getAvailableZoneIds().contains(timeZone)) {
            throw new BadInput("--timezone", "unknown time zone '" + timeZone
                    + "' (expected an IANA name such as UTC, Europe/Berlin or America/New_York)");
        }
        if (runnersWhenStarted < 1 || runnersWhenStarted > Capacity.LIMIT) {
            throw new BadInput("--schedule-runners", "must be between 1 and " + Capacity.LIMIT
                    + " (got " + runnersWhenStarted + ")");
        }
        if (startCron.equals(stopCron)) {
            throw new BadInput("--schedule-stop", "is the same as --schedule-start");
        }
    }
}
