package dev.vending.cost;

/**
 * What a cost estimate needs besides the fleet.
 *
 * @param region        price region, e.g. us-east-1
 * @param hoursPerWeek  hours the fleet is up per week; null derives them from the schedule (168 without one)
 * @param onDemandPrice On-Demand USD per instance-hour; null takes the price table's
 * @param spotPrice     Spot USD per instance-hour; null takes the price table's estimate
 * @param armFactor     share of x86 instance-hours arm64 needs for the same work (the blog's 0.64)
 * @param baselineType  the always-on On-Demand x86 Linux instance the fleet is compared with
 * @param spotSource    where a Spot price given in {@code spotPrice} came from (null: --spot-price)
 * @param publicIpv4    whether each instance has a public IPv4 address (billed per hour): the default assumes the
 *                      subnets assign one, as the default VPC's do; false for private subnets behind NAT
 */
public record CostInputs(String region, Double hoursPerWeek, Double onDemandPrice, Double spotPrice, double armFactor,
        String baselineType, String spotSource, boolean publicIpv4) {

    /** With the default assumption: every instance has a public IPv4 address. */
    public CostInputs(String region, Double hoursPerWeek, Double onDemandPrice, Double spotPrice, double armFactor,
            String baselineType, String spotSource) {
        this(region, hoursPerWeek, onDemandPrice, spotPrice, armFactor, baselineType, spotSource, true);
    }

    public static final String DEFAULT_REGION = "us-east-1";
    public static final double DEFAULT_ARM_FACTOR = 0.64;
    public static final String DEFAULT_BASELINE = "m5.xlarge";

    public static CostInputs defaults() {
        return new CostInputs(DEFAULT_REGION, null, null, null, DEFAULT_ARM_FACTOR, DEFAULT_BASELINE, null);
    }

    public CostInputs withRegion(String r) {
        return new CostInputs(r, hoursPerWeek, onDemandPrice, spotPrice, armFactor, baselineType, spotSource, publicIpv4);
    }

    public CostInputs withPublicIpv4(boolean v) {
        return new CostInputs(region, hoursPerWeek, onDemandPrice, spotPrice, armFactor, baselineType, spotSource, v);
    }
}
