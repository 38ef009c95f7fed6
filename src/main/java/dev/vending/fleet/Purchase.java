package dev.vending.fleet;

import dev.vending.failure.BadInput;

/**
 * Spot / On-Demand split: {@code onDemandBase} instances are always On-Demand; above that,
 * {@code spotPercent} percent are Spot.
 */
public record Purchase(int onDemandBase, int spotPercent) {
    public Purchase {
        if (spotPercent < 0 || spotPercent > 100) {
            throw new BadInput("--spot-percent", "must be between 0 and 100 (got " + spotPercent + ")");
        }
        if (onDemandBase < 0) {
            throw new BadInput("--on-demand-base", "must not be negative (got " + onDemandBase + ")");
        }
        if (onDemandBase > Capacity.LIMIT) {
            throw new BadInput("--on-demand-base", onDemandBase + " is more than " + Capacity.LIMIT);
        }
    }

    /**
     * The split the purchase flags ask for: {@code --spot} (all Spot), {@code --on-demand} (all
     * On-Demand, the default), or {@code --spot-percent} and {@code --on-demand-base} for a mix;
     * null for a flag not given. Contradictory flags throw naming the flag.
     */
    public static Purchase fromFlags(boolean spot, boolean onDemand, Integer spotPercent, Integer onDemandBase) {
        if (spot && onDemand) {
            throw new BadInput("--spot", "cannot be combined with --on-demand");
        }
        if (spot && (spotPercent != null && spotPercent != 100 || onDemandBase != null && onDemandBase != 0)) {
            throw new BadInput("--spot", "means all Spot; it cannot be combined with --spot-percent or --on-demand-base (use those alone for a mix)");
        }
        if (onDemand && (spotPercent != null && spotPercent != 0)) {
            throw new BadInput("--on-demand", "means all On-Demand; it cannot be combined with --spot-percent");
        }
        if (spot) {
            return allSpot();
        }
        if (spotPercent != null || onDemandBase != null) {
            if (onDemand) {
                return new Purchase(onDemandBase == null ? 0 : onDemandBase, 0);
            }
            return new Purchase(onDemandBase == null ? 0 : onDemandBase, spotPercent == null ? 100 : spotPercent);
        }
        return allOnDemand();
    }

    public static Purchase allSpot() {
        return new Purchase(0, 100);
    }

    public static Purchase allOnDemand() {
        return new Purchase(0, 0);
    }

    public boolean usesSpot() {
        return spotPercent > 0;
    }

    public boolean allSpotOnly() {
        return spotPercent == 100 && onDemandBase == 0;
    }

    public boolean allOnDemandOnly() {
        return spotPercent == 0;
    }

    public boolean mixed() {
        return !allSpotOnly() && !allOnDemandOnly();
    }

    public int onDemandPercentAboveBase() {
        return 100 - spotPercent;
    }

    /** Short description: "Spot", "On-Demand", "1 On-Demand + 50% Spot". */
    public String describe() {
        if (allSpotOnly()) {
            return "Spot";
        }
        if (allOnDemandOnly()) {
            return "On-Demand";
        }
        return (onDemandBase > 0 ? onDemandBase + " On-Demand + " : "") + spotPercent + "% Spot";
    }
}
