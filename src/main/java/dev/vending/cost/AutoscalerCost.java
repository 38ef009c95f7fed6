package dev.vending.cost;

import static dev.vending.cost.CostEstimate.num;
import static dev.vending.cost.CostEstimate.usd;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.vending.failure.BadInput;
import dev.vending.fleet.AutoscalerSettings;
import dev.vending.fleet.Capacity;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.Purchase;

/**
 * The week of a docker-autoscaler fleet: the manager (one On-Demand instance) all 168 hours; the workers
 * at --max during the busy hours (--busy-hours-per-week), the warm workers that --idle-count keeps
 * ({@code ceil(idle / concurrency)}) for the rest of the warm hours (the schedule's, else all week), and
 * none otherwise. An upper estimate: the plugin starts workers only as jobs need them. Billed amounts
 * (no arm64 work factor).
 */
public record AutoscalerCost(String region, String managerType, double managerHourly, int peak, int warm, double busyHours,
        double warmHours, double workerPeakHourly, double workerWarmHourly, String workerType, String baselineType,
        double baselinePrice) {

    public static AutoscalerCost estimate(FleetSpec spec, CostInputs in, PriceTable table, Double busyHoursPerWeek) {
        AutoscalerSettings a = spec.autoscaler();
        if (a == null) {
            throw new IllegalArgumentException("not a docker-autoscaler fleet");
        }
        if (in.hoursPerWeek() != null) {
            throw new BadInput("--hours-per-week", "does not apply to --executor docker-autoscaler: the manager is always on "
                    + "and the workers follow the jobs; give --busy-hours-per-week");
        }
        double busy = busyHoursPerWeek == null ? 0 : busyHoursPerWeek;
        if (!(busy >= 0 && busy <= CostEstimate.HOURS_PER_WEEK)) {
            throw new BadInput("--busy-hours-per-week", "must be between 0 and 168 (got " + num(busy) + ")");
        }
        CostReport prices = oneWorker(spec, in, table);
        String managerType = AutoscalerSettings.managerType(spec.arch());
        double manager = table.find(in.region(), managerType, spec.os()).map(PriceTable.Price::onDemand)
                .orElseThrow(() -> new BadInput("--region", "no price for the manager's " + managerType + " in " + in.region()));
        int warm = (a.idleCount() + spec.runner().concurrency() - 1) / spec.runner().concurrency();
        double warmHours = spec.schedule() == null ? CostEstimate.HOURS_PER_WEEK : WeeklyHours.of(spec.schedule());
        return new AutoscalerCost(in.region(), managerType, manager, spec.capacity().max(), warm, busy, warmHours,
                ElasticCost.hourly(spec.purchase(), spec.capacity().max(), prices), ElasticCost.hourly(spec.purchase(), warm, prices),
                prices.instanceType(), prices.baselineType(), prices.baselinePrice());
    }

    /** One always-on worker through the common estimate: its prices, with the same checks of region, types and price flags. */
    public static CostReport oneWorker(FleetSpec spec, CostInputs in, PriceTable table) {
        FleetSpec one = new FleetSpec(spec.name(), new Capacity(1, 0, 2), spec.purchase(), spec.arch(), spec.os(),
                spec.instanceTypes(), spec.runner(), null, spec.volumeSizeGiB(), spec.cache(), null, null, null, spec.security());
        return CostEstimate.estimate(one, in, table);
    }

    /** Warm hours not already counted as busy (busy hours are taken to fall inside the warm ones). */
    public double warmOnlyHours() {
        return Math.max(0, warmHours - busyHours);
    }

    public double managerWeekly() {
        return managerHourly * CostEstimate.HOURS_PER_WEEK;
    }

    public double workersWeekly() {
        return busyHours * workerPeakHourly + warmOnlyHours() * workerWarmHourly;
    }

    public double weekly() {
        return managerWeekly() + workersWeekly();
    }

    /** --max On-Demand x86 instances of the baseline type, always on: what covers the peak without autoscaling. */
    public double alwaysOnWeekly() {
        return CostEstimate.HOURS_PER_WEEK * peak * baselinePrice;
    }

    /** One line for generate and deploy. */
    public static String line(FleetSpec spec, String region) {
        try {
            AutoscalerCost c = estimate(spec, CostInputs.defaults().withRegion(region), PriceTable.bundled(), null);
            return "estimated cost: manager " + usd(c.managerWeekly()) + "/week (" + c.managerType + ", always on) + workers "
                    + usd(c.workerPeakHourly) + " per hour at --max " + c.peak + (c.warm > 0 ? ", " + usd(c.workerWarmHourly)
                    + " per hour for " + c.warm + " warm" : "") + " (" + region + "; vending cost --busy-hours-per-week H for a week)";
        } catch (RuntimeException e) {
            String why = e instanceof BadInput bad ? bad.line() : String.valueOf(e.getMessage());
            return "estimated cost: not available (" + why + "); see vending cost --help";
        }
    }

    public String render() {
        StringBuilder s = new StringBuilder();
        s.append("docker-autoscaler fleet in ").append(region).append(": 1 manager + 0..").append(peak).append(' ').append(workerType)
                .append(" workers\n");
        s.append(String.format(java.util.Locale.ROOT, "  %-34s %s%n", "manager (" + managerType + ", On-Demand, 168 h)",
                usd(managerWeekly()) + "/week"));
        s.append(String.format(java.util.Locale.ROOT, "  %-34s %s%n", "workers busy " + num(busyHours) + " h at " + peak,
                usd(busyHours * workerPeakHourly) + "/week"));
        s.append(String.format(java.util.Locale.ROOT, "  %-34s %s%n", "workers warm " + num(warmOnlyHours()) + " h at " + warm,
                usd(warmOnlyHours() * workerWarmHourly) + "/week"));
        s.append(String.format(java.util.Locale.ROOT, "  %-34s %s%n", "total (upper estimate)", usd(weekly()) + "/week"));
        s.append(String.format(java.util.Locale.ROOT, "  %-34s %s%n", "always-on " + peak + " x " + baselineType,
                usd(alwaysOnWeekly()) + "/week"));
        s.append(CostReport.ESTIMATE_NOTE).append('\n');
        return s.toString();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("region", region);
        m.put("managerType", managerType);
        m.put("managerWeekly", round(managerWeekly()));
        m.put("workerType", workerType);
        m.put("maxWorkers", peak);
        m.put("warmWorkers", warm);
        m.put("busyHoursPerWeek", busyHours);
        m.put("warmHoursPerWeek", warmHours);
        m.put("workersWeekly", round(workersWeekly()));
        m.put("weekly", round(weekly()));
        m.put("alwaysOnWeekly", round(alwaysOnWeekly()));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
