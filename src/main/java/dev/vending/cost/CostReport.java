package dev.vending.cost;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.vending.fleet.Arch;
import dev.vending.fleet.OperatingSystem;
import dev.vending.fleet.Purchase;

import static dev.vending.cost.CostEstimate.num;
import static dev.vending.cost.CostEstimate.usd;

/**
 * One fleet's estimated cost per week (USD) and how it compares with the baseline.
 *
 * @param publicIpv4PerHour each instance's public IPv4 address per hour (0 when the subnets assign none)
 * @param volumePerHour    each instance's gp3 root volume of {@code volumeGiB} per hour
 * @param onDemandWeekly   the fleet's hours at On-Demand prices, all instances
 * @param billedWeekly     the fleet's hours at its Spot/On-Demand mix: what AWS would bill
 * @param weekly           {@code billedWeekly} times the arm64 factor: the cost of the baseline's work
 * @param savedBySchedule  baseline minus the baseline instance run only the fleet's hours
 * @param savedByType      that minus the fleet's instance type at On-Demand prices
 * @param savedByArm       that minus the arm64 factor (0 on x86)
 * @param savedBySpot      that minus the Spot share
 */
public record CostReport(String fleet, String region, OperatingSystem os, Arch arch, String instanceType, Purchase purchase,
        int instances, double spotInstances, double hoursPerWeek, String hoursFrom,
        double onDemandPrice, String onDemandFrom, double spotPrice, String spotFrom, double armFactor, boolean arm64,
        String baselineType, double baselinePrice, String priceDate, String priceSource,
        double publicIpv4PerHour, int volumeGiB, double volumePerHour,
        double onDemandWeekly, double billedWeekly, double weekly, double baselineWeekly,
        double savedBySchedule, double savedByType, double savedByArm, double savedBySpot) {

    public static final String ESTIMATE_NOTE = "Estimates, not a bill: list prices without tax, data transfer, NAT, S3 or "
            + "CloudWatch; each instance's public IPv4 address and root volume included (docs/cost.md).";

    public double yearly() {
        return weekly * CostEstimate.WEEKS_PER_YEAR;
    }

    public double baselineYearly() {
        return baselineWeekly * CostEstimate.WEEKS_PER_YEAR;
    }

    public double savedWeekly() {
        return baselineWeekly - weekly;
    }

    public double savingsPercent() {
        return share(savedWeekly());
    }

    private double share(double saved) {
        return baselineWeekly == 0 ? 0 : saved / baselineWeekly * 100;
    }

    /** The blended price of one instance-hour at the fleet's mix. */
    public double blendedPrice() {
        return (billedWeekly / hoursPerWeek) / instances;
    }

    public String render() {
        StringBuilder s = new StringBuilder();
        s.append("Fleet '").append(fleet).append("': ").append(instances).append(" x ").append(instanceType).append(" (")
                .append(os.id()).append(' ').append(arch.awsName()).append("), ").append(purchase.describe())
                .append(", up ").append(num(hoursPerWeek)).append(" h/week (").append(hoursFrom).append("), ").append(region).append('\n');
        s.append("Prices (USD per instance-hour").append(CostEstimate.osNote(os)).append("): bundled table of ").append(priceDate)
                .append(" (").append(priceSource).append(")\n");
        s.append(String.format(java.util.Locale.ROOT, "  %-14s On-Demand $%.4f (%s)", instanceType, onDemandPrice, onDemandFrom));
        if (purchase.usesSpot()) {
            s.append(String.format(java.util.Locale.ROOT, ", Spot $%.4f (%s)", spotPrice, spotFrom));
        }
        s.append('\n');
        s.append(String.format(java.util.Locale.ROOT, "  %-14s On-Demand $%.4f (baseline, Linux list price)%n", baselineType, baselinePrice));
        s.append(String.format(java.util.Locale.ROOT, "  per instance   public IPv4 $%.4f%s, %d GiB gp3 root volume $%.4f%n", publicIpv4PerHour,
                publicIpv4PerHour == 0 ? " (none assumed)" : " (assumed: the subnets assign one)", volumeGiB, volumePerHour));
        s.append('\n');
        row(s, "", "per week", "per year");
        row(s, "fleet at On-Demand prices", usd(onDemandWeekly), usd(onDemandWeekly * CostEstimate.WEEKS_PER_YEAR));
        row(s, "fleet as configured (" + purchase.describe() + "), billed", usd(billedWeekly),
                usd(billedWeekly * CostEstimate.WEEKS_PER_YEAR));
        if (arm64) {
            row(s, "same work as the baseline (arm64 x " + num(armFactor) + ")", usd(weekly), usd(yearly()));
        }
        row(s, "baseline: " + instances + " always-on " + baselineType + " On-Demand", usd(baselineWeekly), usd(baselineYearly()));
        s.append('\n');
        s.append("Saved against the baseline: ").append(usd(savedWeekly())).append("/week, ").append(usd(savedWeekly() * CostEstimate.WEEKS_PER_YEAR))
                .append("/year (").append(pct(savingsPercent())).append(")\n");
        saving(s, "schedule (" + num(hoursPerWeek) + " of 168 h)", savedBySchedule);
        saving(s, "instance type (" + baselineType + " -> " + instanceType + ")", savedByType);
        if (arm64) {
            saving(s, "arm64 performance (factor " + num(armFactor) + ")", savedByArm);
        }
        if (purchase.usesSpot()) {
            saving(s, "Spot (" + num(spotInstances) + " of " + instances + " instances)", savedBySpot);
        }
        s.append(ESTIMATE_NOTE).append('\n');
        return s.toString();
    }

    private static void row(StringBuilder s, String label, String week, String year) {
        s.append(String.format(java.util.Locale.ROOT, "  %-52s %12s %12s%n", label, week, year));
    }

    private void saving(StringBuilder s, String label, double saved) {
        s.append(String.format(java.util.Locale.ROOT, "  %-52s %12s %12s%n", label, usd(saved), pct(share(saved))));
    }

    private static String pct(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", v);
    }

    /** Plain numbers (USD rounded to cents, percentages to 0.1) for --format json. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fleet", fleet);
        m.put("region", region);
        m.put("os", os.id());
        m.put("arch", arch.awsName());
        m.put("instanceType", instanceType);
        m.put("purchase", purchase.describe());
        m.put("instances", instances);
        m.put("spotInstances", round(spotInstances, 2));
        m.put("hoursPerWeek", round(hoursPerWeek, 2));
        m.put("hoursFrom", hoursFrom);
        m.put("onDemandPrice", round(onDemandPrice, 5));
        m.put("spotPrice", round(spotPrice, 5));
        m.put("spotPriceFrom", spotFrom);
        m.put("armFactor", arm64 ? armFactor : 1.0);
        m.put("onDemandWeeklyUsd", round(onDemandWeekly, 2));
        m.put("billedWeeklyUsd", round(billedWeekly, 2));
        m.put("weeklyUsd", round(weekly, 2));
        m.put("yearlyUsd", round(yearly(), 2));
        m.put("baselineType", baselineType);
        m.put("baselinePrice", round(baselinePrice, 5));
        m.put("baselineWeeklyUsd", round(baselineWeekly, 2));
        m.put("baselineYearlyUsd", round(baselineYearly(), 2));
        m.put("savedWeeklyUsd", round(savedWeekly(), 2));
        m.put("savingsPercent", round(savingsPercent(), 1));
        Map<String, Object> by = new LinkedHashMap<>();
        by.put("scheduleWeeklyUsd", round(savedBySchedule, 2));
        by.put("instanceTypeWeeklyUsd", round(savedByType, 2));
        by.put("arm64WeeklyUsd", round(savedByArm, 2));
        by.put("spotWeeklyUsd", round(savedBySpot, 2));
        m.put("savings", by);
        m.put("publicIpv4PerHour", round(publicIpv4PerHour, 5));
        m.put("volumeGiB", volumeGiB);
        m.put("volumePerHour", round(volumePerHour, 5));
        m.put("priceDate", priceDate);
        m.put("priceSource", priceSource);
        m.put("note", ESTIMATE_NOTE);
        return m;
    }

    static double round(double v, int places) {
        return java.math.BigDecimal.valueOf(v).setScale(places, java.math.RoundingMode.HALF_UP).doubleValue();
    }
}
