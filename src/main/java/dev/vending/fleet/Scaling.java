package dev.vending.fleet;

import java.util.Locale;

import dev.vending.failure.BadInput;

/**
 * Target tracking on the group: {@code cpu:TARGET} tracks the group's average CPU
 * (ASGAverageCPUUtilization), {@code jobs:TARGET} the group's average job-slot utilisation
 * (running jobs / concurrency) that each instance's watcher publishes once a minute.
 */
public record Scaling(Metric metric, int target) {
    /** CloudWatch namespace of the job-slot metric; the instance role may publish to this namespace only. */
    public static final String NAMESPACE = "Vending/Runners";
    public static final String METRIC_NAME = "JobSlotUtilization";
    /** Dimension of the job-slot metric: every instance publishes with its group's name, so the statistic is the group's average. */
    public static final String DIMENSION = "AutoScalingGroupName";

    /**
     * Seconds after InService before a new instance counts in the group's metrics (DefaultInstanceWarmup).
     * The launch hook already holds an instance until its runner is registered (boot about 2-3 minutes on Linux,
     * see docs/scaling.md), so what remains is the first published datapoint (up to 60 s) plus CloudWatch's
     * one-minute period and the first job's image pull: 3 minutes on Linux.
     */
    public static final int LINUX_WARMUP_SECONDS = 180;
    /** Windows: slower first-job start (no image cache, Defender scans); 10 minutes. */
    public static final int WINDOWS_WARMUP_SECONDS = 600;

    public enum Metric {
        CPU("cpu"), JOBS("jobs");

        private final String id;

        Metric(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    public Scaling {
        if (metric == null) {
            throw new BadInput("--scale-on", "needs a metric: cpu:TARGET or jobs:TARGET");
        }
        if (target < 1 || target > 100) {
            throw new BadInput("--scale-on", "target must be 1..100 percent (got " + target + ")");
        }
    }

    /** Parses {@code cpu:60} or {@code jobs:75}. */
    public static Scaling parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        int colon = v.indexOf(':');
        if (colon < 0) {
            throw new BadInput("--scale-on", "expected cpu:TARGET or jobs:TARGET, e.g. jobs:75 (got '" + value + "')");
        }
        String name = v.substring(0, colon);
        Metric m = switch (name) {
            case "cpu" -> Metric.CPU;
            case "jobs" -> Metric.JOBS;
            default -> throw new BadInput("--scale-on", "unknown metric '" + name + "' (expected cpu or jobs)");
        };
        String number = v.substring(colon + 1);
        if (!number.matches("[0-9]{1,3}")) {
            throw new BadInput("--scale-on", "target must be a whole percentage 1..100 (got '" + number + "')");
        }
        return new Scaling(m, Integer.parseInt(number));
    }

    public static int warmupSeconds(OperatingSystem os) {
        return os == OperatingSystem.WINDOWS ? WINDOWS_WARMUP_SECONDS : LINUX_WARMUP_SECONDS;
    }

    /** As written on the command line, e.g. {@code jobs:75}. */
    public String describe() {
        return metric.id() + ":" + target;
    }
}
