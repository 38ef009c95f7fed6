package dev.vending.cost;

import static dev.vending.cost.CostEstimate.num;
import static dev.vending.cost.CostEstimate.usd;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.vending.failure.BadInput;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.Purchase;

/**
 * The week of an elastic fleet ({@code --scale-on}) from its bounds: during the busy hours the group runs at
 * --max, the rest of its up hours at its minimum (the schedule window's, else --min), and at 0 outside the
 * schedule. An upper estimate: target tracking adds instances only as the load needs them. Compared with a
 * fixed fleet of --max instances over the same up hours (what covers the peak without scaling) and with an
 * always-on baseline of --max On-Demand x86 instances. Billed amounts throughout (no arm64 work factor).
 *
 * @param busyHours   hours per week at --max (--busy-hours-per-week)
 * @param upHours     hours per week the group may run (the schedule, --hours-per-week, else 168)
 * @param floor       instances outside the busy hours while up
 * @param peak        --max
 * @param peakHourly  billed USD per hour at --max instances (On-Demand base first, then the Spot share)
 * @param floorHourly billed USD per hour at {@code floor} instances
 */
public record ElasticCost(String scaling, int floor, int peak, double busyHours, double upHours, String upFrom,
        double peakHourly, double floorHourly, String baselineType, double baselinePrice) {

    public static ElasticCost estimate(FleetSpec spec, CostReport prices, Double busyHoursPerWeek) {
        if (busyHoursPerWeek == null) {
            throw new BadInput("--busy-hours-per-week", "is needed for an elastic fleet (--scale-on): the hours per week "
                    + "the CI load keeps the group near --max");
        }
        double up = prices.hoursPerWeek();
        if (!(busyHoursPerWeek >= 0 && busyHoursPerWeek <= up)) {
            throw new BadInput("--busy-hours-per-week", "must be between 0 and the fleet's " + num(up) + " up hours per week (got "
                    + num(busyHoursPerWeek) + ")");
        }
        int floor = spec.schedule() != null ? spec.schedule().runnersWhenStarted() : spec.capacity().min();
        int peak = spec.capacity().max();
        return new ElasticCost(spec.scaling().describe(), floor, peak, busyHoursPerWeek, up, prices.hoursFrom(),
                hourly(spec.purchase(), peak, prices), hourly(spec.purchase(), floor, prices), prices.baselineType(),
                prices.baselinePrice());
    }

    /** Billed USD per hour for n instances of the fleet's mix. */
    static double hourly(Purchase p, int n, CostReport prices) {
        int base = Math.min(p.onDemandBase(), n);
        double spot = p.usesSpot() ? (n - base) * p.spotPercent() / 100.0 : 0;
        return (n - spot) * prices.onDemandPrice() + spot * prices.spotPrice();
    }

    public double instanceHours() {
        return busyHours * peak + (upHours - busyHours) * floor;
    }

    public double weekly() {
        return busyHours * peakHourly + (upHours - busyHours) * floorHourly;
    }

    public double fixedWeekly() {
        return upHours * peakHourly;
    }

    public double alwaysOnWeekly() {
        return CostEstimate.HOURS_PER_WEEK * peak * baselinePrice;
    }

    public String render() {
        StringBuilder s = new StringBuilder();
        s.append("Elastic fleet (--scale-on ").append(scaling).append("): ").append(floor).append("..").append(peak)
                .append(" instances while up ").append(num(upHours)).append(" h/week (").append(upFrom).append(")\n");
        s.append("  busy ").append(num(busyHours)).append(" h at --max ").append(peak).append(", the other ")
                .append(num(upHours - busyHours)).append(" h at the minimum ").append(floor).append(":\n");
        s.append("  instance-hours = ").append(num(busyHours)).append(" x ").append(peak).append(" + ")
                .append(num(upHours - busyHours)).append(" x ").append(floor).append(" = ").append(num(instanceHours())).append("/week\n");
        line(s, "elastic (upper estimate)", num(busyHours) + " h x " + money(peakHourly) + " + " + num(upHours - busyHours) + " h x "
                + money(floorHourly), weekly());
        line(s, "fixed fleet of " + peak, num(upHours) + " h x " + money(peakHourly), fixedWeekly());
        line(s, "always on: " + peak + " x " + baselineType + " On-Demand", "168 h x " + peak + " x " + money(baselinePrice),
                alwaysOnWeekly());
        s.append("  elastic saves ").append(pct(weekly(), fixedWeekly())).append(" against the fixed fleet, ")
                .append(pct(weekly(), alwaysOnWeekly())).append(" against always on")
                .append(" (hourly prices at the fleet's Spot/On-Demand mix for that many instances)\n");
        return s.toString();
    }

    private static void line(StringBuilder s, String label, String arithmetic, double weekly) {
        s.append(String.format(Locale.ROOT, "  %-34s %-40s = %12s/week%n", label, arithmetic, usd(weekly)));
    }

    private static String money(double v) {
        return String.format(Locale.ROOT, "$%.4f", v);
    }

    private static String pct(double part, double whole) {
        return whole == 0 ? "0%" : String.format(Locale.ROOT, "%.0f%%", (whole - part) / whole * 100);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scaleOn", scaling);
        m.put("minInstances", floor);
        m.put("maxInstances", peak);
        m.put("upHoursPerWeek", CostReport.round(upHours, 2));
        m.put("busyHoursPerWeek", CostReport.round(busyHours, 2));
        m.put("instanceHoursPerWeek", CostReport.round(instanceHours(), 2));
        m.put("weeklyUsd", CostReport.round(weekly(), 2));
        m.put("fixedFleetWeeklyUsd", CostReport.round(fixedWeekly(), 2));
        m.put("alwaysOnWeeklyUsd", CostReport.round(alwaysOnWeekly(), 2));
        return m;
    }
}
