package dev.vending.cost;

import java.util.Locale;

import dev.vending.failure.BadInput;
import dev.vending.fleet.Arch;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.InstanceCatalog;
import dev.vending.fleet.OperatingSystem;

/**
 * The cost arithmetic of the blog "100 Graviton Spot runners", for any fleet. Savings against the
 * baseline are taken one step at a time, in this order: schedule, instance type, arm64
 * performance, Spot. Each step's share is its saving divided by the baseline, so they add up.
 */
public final class CostEstimate {
    public static final double HOURS_PER_WEEK = 168;
    public static final int WEEKS_PER_YEAR = 52;

    private CostEstimate() {
    }

    /**
     * One line for generate/deploy to print on stderr; never throws. Uses the bundled prices for
     * us-east-1 and the defaults of {@code vending cost}.
     */
    public static String line(FleetSpec spec) {
        return line(spec, CostInputs.DEFAULT_REGION);
    }

    public static String line(FleetSpec spec, String region) {
        CostReport r;
        try {
            r = estimate(spec, CostInputs.defaults().withRegion(region), PriceTable.bundled());
        } catch (RuntimeException e) {
            String why = e instanceof BadInput bad ? bad.line() : String.valueOf(e.getMessage());
            return "estimated cost: not available (" + why + "); see vending cost --help";
        }
        StringBuilder s = new StringBuilder("estimated cost: ").append(usd(r.billedWeekly())).append("/week");
        s.append(" (").append(num(r.hoursPerWeek())).append(" h/week, ").append(r.region());
        s.append(r.purchase().usesSpot() ? ", Spot price estimated" : "").append(")");
        if (r.arm64()) {
            s.append(", ").append(usd(r.weekly())).append("/week for the same work at arm64 factor ").append(num(r.armFactor()));
        }
        double p = r.savingsPercent();
        s.append(", ").append(percent(Math.abs(p))).append(p >= 0 ? " below" : " above").append(" an always-on ").append(r.baselineType());
        if (spec.elastic()) {
            s.append(" at the starting size; elastic between ").append(spec.capacity().min()).append(" and ").append(spec.capacity().max())
                    .append(": vending cost --busy-hours-per-week H");
            return s.toString();
        }
        return s.append(" (vending cost for details)").toString();
    }

    public static CostReport estimate(FleetSpec spec, CostInputs in, PriceTable table) {
        if (!(in.armFactor() > 0 && in.armFactor() <= 2)) {
            throw new BadInput("--arm-factor", "must be above 0 and at most 2 (got " + num(in.armFactor()) + ")");
        }
        String type = spec.instanceTypes().get(0);
        int instances = spec.schedule() != null ? spec.schedule().runnersWhenStarted() : spec.capacity().desired();
        if (instances == 0) {
            throw new BadInput("--runners", "the fleet runs no instances (0), so it costs nothing; give --runners N");
        }
        String hoursFrom;
        double hours;
        if (in.hoursPerWeek() != null) {
            if (!(in.hoursPerWeek() > 0 && in.hoursPerWeek() <= HOURS_PER_WEEK)) {
                throw new BadInput("--hours-per-week", "must be above 0 and at most 168 (got " + num(in.hoursPerWeek()) + ")");
            }
            hours = in.hoursPerWeek();
            hoursFrom = "--hours-per-week";
        } else if (spec.schedule() != null) {
            hours = WeeklyHours.of(spec.schedule());
            hoursFrom = "schedule";
        } else {
            hours = HOURS_PER_WEEK;
            hoursFrom = "always on";
        }
        if (!table.regions().contains(in.region())) {
            throw new BadInput("--region", "no prices for '" + in.region() + "' in the bundled table of " + table.date()
                    + " (it covers " + String.join(", ", table.regions()) + "); estimate with the nearest of those");
        }
        if (!(in.baselineType() != null && InstanceCatalog.find(in.baselineType()).map(t -> t.arch() == Arch.X86_64).orElse(false))) {
            throw new BadInput("--baseline-type", "'" + in.baselineType() + "' is not an x86_64 instance type vending knows (e.g. m5.xlarge)");
        }
        double baselinePrice = table.linux(in.region(), in.baselineType()).map(PriceTable.Price::onDemand)
                .orElseThrow(() -> new BadInput("--baseline-type", "no price for " + in.baselineType() + " in " + in.region()
                        + " in the bundled table of " + table.date() + " (regions: " + String.join(", ", table.regions())
                        + "); choose another baseline or region"));
        PriceTable.Price listed = table.find(in.region(), type, spec.os()).orElse(null);
        boolean usesSpot = spec.purchase().usesSpot();
        if (listed == null && (in.onDemandPrice() == null || usesSpot && in.spotPrice() == null)) {
            throw new BadInput(in.onDemandPrice() == null ? "--price" : "--spot-price", "no price for " + type + " ("
                    + spec.os().id() + ") in " + in.region() + " in the bundled table of " + table.date() + " (regions: "
                    + String.join(", ", table.regions()) + "); give its On-Demand price per instance-hour with --price USD"
                    + (usesSpot ? " and its Spot price with --spot-price USD" : ""));
        }
        double od = in.onDemandPrice() != null ? in.onDemandPrice() : listed.onDemand();
        double spot = in.spotPrice() != null ? in.spotPrice() : listed != null ? listed.spot() : od;
        checkPrice("--price", od);
        checkPrice("--spot-price", spot);
        String spotFrom = in.spotPrice() == null ? "estimate, bundled table" : in.spotSource() != null ? in.spotSource() : "--spot-price";
        String odFrom = in.onDemandPrice() == null ? "list price, bundled table" : "--price";

        // Instances on Spot while the fleet is up: the On-Demand base first, then the Spot share of the rest.
        int base = Math.min(spec.purchase().onDemandBase(), instances);
        double spotInstances = usesSpot ? (instances - base) * spec.purchase().spotPercent() / 100.0 : 0;
        double odInstances = instances - spotInstances;
        double factor = spec.arch() == Arch.ARM64 ? in.armFactor() : 1.0;

        double baseline = instances * baselinePrice * HOURS_PER_WEEK;
        double afterSchedule = instances * baselinePrice * hours;
        double afterType = instances * od * hours;
        double afterArm = afterType * factor;
        double billed = (odInstances * od + spotInstances * spot) * hours;
        double weekly = billed * factor;
        return new CostReport(spec.name(), in.region(), spec.os(), spec.arch(), type, spec.purchase(), instances, spotInstances,
                hours, hoursFrom, od, odFrom, spot, spotFrom, in.armFactor(), spec.arch() == Arch.ARM64,
                in.baselineType(), baselinePrice, table.date(), table.source(),
                afterType, billed, weekly, baseline,
                baseline - afterSchedule, afterSchedule - afterType, afterType - afterArm, afterArm - weekly);
    }

    private static void checkPrice(String option, double v) {
        if (!(v >= 0 && v < 1000)) {
            throw new BadInput(option, "must be a price in USD per instance-hour between 0 and 1000 (got " + num(v) + ")");
        }
    }

    // BigDecimal rather than String.format: these run on every generate, and a cold Formatter is slow

    static String usd(double v) {
        String digits = java.math.BigDecimal.valueOf(Math.abs(v)).setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
        int dot = digits.indexOf('.');
        StringBuilder grouped = new StringBuilder(digits.substring(dot));
        for (int i = dot; i > 0; i -= 3) {
            grouped.insert(0, digits.substring(Math.max(0, i - 3), i));
            if (i > 3) {
                grouped.insert(0, ',');
            }
        }
        return (v < 0 ? "-$" : "$") + grouped;
    }

    static String percent(double v) {
        return java.math.BigDecimal.valueOf(v).setScale(0, java.math.RoundingMode.HALF_UP).toPlainString() + "%";
    }

    static String num(double v) {
        java.math.BigDecimal d = java.math.BigDecimal.valueOf(v).setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }

    /** The OS word used in prices: Windows prices include the licence. */
    static String osNote(OperatingSystem os) {
        return os == OperatingSystem.WINDOWS ? " incl. Windows licence" : "";
    }
}
