package dev.vending.cost;

import dev.vending.fleet.OperatingSystem;

/**
 * Current Spot prices from AWS. The implementation needs the AWS SDK, so it is loaded by name,
 * only when {@code --live-prices} is given: nothing on the default cost or generate path touches
 * the SDK.
 */
public interface SpotPriceSource {
    String IMPLEMENTATION = "dev.vending.cost.live.Ec2SpotPriceHistory";

    /** The current Spot price of one type in a region (averaged over its Availability Zones). */
    Quote current(String region, String instanceType, OperatingSystem os);

    /** @param description where the price came from, for the output */
    record Quote(double price, String description) {
    }

    /** A lookup that failed (credentials, network, no price): the command exits 1 with this message. */
    final class LookupFailed extends RuntimeException {
        public LookupFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @param profile     named AWS profile for the credentials, or null for the SDK's default chain
     * @param endpointUrl endpoint to send the EC2 call to (moto, a VPC endpoint), or null for EC2's own
     */
    static SpotPriceSource live(String profile, String endpointUrl) {
        try {
            return (SpotPriceSource) Class.forName(IMPLEMENTATION).getDeclaredConstructor(String.class, String.class)
                    .newInstance(profile, endpointUrl);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new LookupFailed("live prices are not available in this build (" + e + ")", e);
        }
    }
}
