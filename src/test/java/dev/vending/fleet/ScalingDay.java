package dev.vending.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A minute-by-minute model of a scheduled elastic fleet on job slots through one weekday, for docs/scaling.md.
 * It follows the documented behaviour of EC2 Auto Scaling target tracking: scale out when the metric stays above
 * the target for 3 one-minute datapoints, to ceil(capacity x metric / target) where capacity counts instances
 * still booting or warming up; scale in only after 15 datapoints below 90% of the target and while no instance
 * warms up; never outside MinSize..MaxSize, which the scheduled actions set. Instances boot for {@link #BOOT_MINUTES}
 * (held by the launch hook) and then warm up for the group's DefaultInstanceWarmup.
 *
 * <p>Not a promise of AWS's exact timing: the alarm periods and the boot time are the documented and
 * estimated figures, and jobs are fungible.
 */
final class ScalingDay {
    static final int BOOT_MINUTES = 3;
    static final int CONCURRENCY = 4;
    static final int TARGET = 75;
    static final int WINDOW_START = 7 * 60;
    static final int WINDOW_STOP = 19 * 60;
    static final int WINDOW_MIN = 2;
    static final int MAX = 20;
    /** Jobs wanting a slot at each full hour (interpolated in between): a team's weekday, lunch dip included. */
    static final int[] JOBS_AT_HOUR = {0, 0, 0, 0, 0, 0, 0, 1, 12, 34, 52, 46, 22, 30, 56, 48, 30, 12, 4, 0, 0, 0, 0, 0};

    record Minute(int minute, double jobs, int inService, int desired, double metric, double queued) {
    }

    static List<Minute> simulate() {
        int warmup = Scaling.warmupSeconds(OperatingSystem.LINUX) / 60;
        List<Integer> launchedAt = new ArrayList<>();
        int min = 0;
        int max = 0;
        int desired = 0;
        int high = 0;
        int low = 0;
        List<Minute> day = new ArrayList<>();
        for (int t = 0; t < 24 * 60; t++) {
            if (t == WINDOW_START) {
                min = WINDOW_MIN;
                max = MAX;
                desired = WINDOW_MIN;
            } else if (t == WINDOW_STOP) {
                min = 0;
                max = 0;
                desired = 0;
            }
            while (launchedAt.size() < desired) {
                launchedAt.add(t);
            }
            while (launchedAt.size() > desired) {
                launchedAt.remove(launchedAt.size() - 1); // the newest first here; idle ones in the fleet (protection)
            }
            final int now = t;
            int inService = (int) launchedAt.stream().filter(at -> now - at >= BOOT_MINUTES).count();
            boolean warming = launchedAt.stream().anyMatch(at -> now - at < BOOT_MINUTES + warmup);
            double jobs = jobs(t);
            double running = Math.min(jobs, inService * CONCURRENCY);
            double metric = inService == 0 ? Double.NaN : running * 100 / (inService * CONCURRENCY);
            day.add(new Minute(t, jobs, inService, desired, metric, jobs - running));
            if (Double.isNaN(metric)) {
                high = 0;
                low = 0;
                continue; // no instance, no datapoint: the alarms see missing data and do nothing
            }
            high = metric > TARGET ? high + 1 : 0;
            low = metric < TARGET * 0.9 ? low + 1 : 0;
            if (high >= 3) {
                int wanted = (int) Math.ceil(desired * metric / TARGET);
                if (wanted > desired) {
                    desired = Math.min(max, wanted);
                }
                high = 0;
            } else if (low >= 15 && !warming) {
                int wanted = (int) Math.ceil(inService * metric / TARGET);
                if (wanted < desired) {
                    desired = Math.max(min, wanted);
                }
                low = 0;
            }
        }
        return day;
    }

    static double jobs(int minute) {
        int h = minute / 60;
        double f = (minute % 60) / 60.0;
        return JOBS_AT_HOUR[h] + (JOBS_AT_HOUR[(h + 1) % 24] - JOBS_AT_HOUR[h]) * f;
    }

    /** Columns of 15 minutes from 06:00 to 21:00; rows of one instance. '#' instances in service, 'o' instances the jobs fill. */
    static String chart() {
        List<Minute> day = simulate();
        int from = 6 * 60;
        int to = 21 * 60;
        int step = 15;
        StringBuilder s = new StringBuilder();
        for (int row = MAX; row >= 1; row--) {
            s.append(String.format(Locale.ROOT, "%3d |", row));
            for (int t = from; t < to; t += step) {
                Minute m = day.get(t);
                int needed = (int) Math.ceil(m.jobs() / CONCURRENCY);
                s.append(m.inService() >= row ? '#' : needed >= row ? 'o' : ' ');
            }
            s.setLength(s.toString().stripTrailing().length());
            s.append('\n');
        }
        s.append("    +").append("-".repeat((to - from) / step)).append('\n');
        s.append("     ");
        for (int t = from; t < to; t += 60) {
            String label = String.format(Locale.ROOT, "%02d", t / 60);
            s.append(label).append(" ".repeat(60 / step - label.length()));
        }
        s.setLength(s.toString().stripTrailing().length());
        s.append('\n');
        double instanceHours = day.stream().mapToDouble(m -> m.inService() / 60.0).sum();
        double queuedJobHours = day.stream().mapToDouble(m -> m.queued() / 60.0).sum();
        double jobHours = day.stream().mapToDouble(m -> m.jobs() / 60.0).sum();
        int peak = day.stream().mapToInt(Minute::inService).max().orElse(0);
        s.append(String.format(Locale.ROOT, "%n%.0f job-hours of demand; %.1f instance-hours in service (a fixed fleet of %d for the"
                + " window: %d); peak %d instances; %.1f job-hours spent waiting for a slot.%n",
                jobHours, instanceHours, MAX, MAX * (WINDOW_STOP - WINDOW_START) / 60, peak, queuedJobHours));
        return s.toString();
    }
}
