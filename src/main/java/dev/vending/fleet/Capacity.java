package dev.vending.fleet;

import dev.vending.failure.BadInput;


/** Desired, minimum and maximum number of runner instances. */
public record Capacity(int desired, int min, int max) {
    /** Auto Scaling allows far more; beyond this a typo is likelier than a fleet. */
    public static final int LIMIT = 5000;
    /** --max may exceed LIMIT by one rolling batch, so any accepted --runners has headroom. */
    public static final int MAX_LIMIT = LIMIT + rollingBatch(LIMIT);

    public Capacity {
        check("--runners", desired, LIMIT);
        check("--min", min, LIMIT);
        check("--max", max, MAX_LIMIT);
        if (max < 1) {
            throw new BadInput("--max", "must be at least 1");
        }
        if (min > max) {
            throw new BadInput("--min", min + " is greater than --max " + max);
        }
        if (desired < min || desired > max) {
            throw new BadInput("--runners", desired + " is outside --min " + min + " .. --max " + max);
        }
        if (desired > 0 && desired == max) {
            // CloudFormation's rolling update keeps --runners in service and needs MinInstancesInService < MaxSize
            throw new BadInput("--max", "must be greater than --runners " + desired
                    + ": rolling updates launch new runners before draining the old ones");
        }
    }

    private static void check(String option, int v, int limit) {
        if (v < 0) {
            throw new BadInput(option, "must not be negative (got " + v + ")");
        }
        if (v > limit) {
            throw new BadInput(option, v + " is more than the supported " + limit + " instances");
        }
    }

    /** Instances replaced per batch in a rolling update: a quarter of the fleet, at least one. */
    public static int rollingBatch(int desired) {
        return Math.max(1, (desired + 3) / 4);
    }

    /**
     * Defaults from N: min 0 (schedules and manual scale-in can stop everything), max N plus one rolling
     * batch (at most {@link #MAX_LIMIT}, so any N the flags accept also works without an explicit --max).
     */
    public static Capacity fromDefaults(int desired, Integer min, Integer max, int peak) {
        int lo = min != null ? min : 0;
        int hi = max != null ? max : Math.min(MAX_LIMIT, Math.max(Math.max(desired, peak) + rollingBatch(Math.max(desired, peak)), 1));
        return new Capacity(desired, lo, hi);
    }
}
