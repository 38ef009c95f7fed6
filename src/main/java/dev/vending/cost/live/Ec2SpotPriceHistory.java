package dev.vending.cost.live;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.vending.cost.SpotPriceSource;
import dev.vending.fleet.OperatingSystem;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;
import software.amazon.awssdk.services.ec2.model.DescribeSpotPriceHistoryRequest;
import software.amazon.awssdk.services.ec2.model.SpotPrice;

/**
 * Current Spot prices from EC2 DescribeSpotPriceHistory: with the start time "now" it returns the
 * price in effect in each Availability Zone. Only {@link SpotPriceSource#live} loads this class.
 * On-Demand prices would need the AWS Pricing API, whose SDK module is not in this build: they
 * come from the bundled table.
 */
public final class Ec2SpotPriceHistory implements SpotPriceSource {
    private final String profile;
    private final String endpointUrl;

    /** Both may be null: the SDK's default credential chain and EC2's regional endpoint (or AWS_ENDPOINT_URL). */
    public Ec2SpotPriceHistory(String profile, String endpointUrl) {
        this.profile = profile;
        this.endpointUrl = endpointUrl;
    }

    @Override
    public Quote current(String region, String instanceType, OperatingSystem os) {
        String product = os == OperatingSystem.WINDOWS ? "Windows" : "Linux/UNIX";
        Instant now = Instant.now();
        Map<String, Double> byZone = new LinkedHashMap<>();
        try (Ec2Client ec2 = client(region)) {
            DescribeSpotPriceHistoryRequest request = DescribeSpotPriceHistoryRequest.builder()
                    .instanceTypesWithStrings(instanceType)
                    .productDescriptions(product)
                    .startTime(now)
                    .endTime(now)
                    .build();
            for (SpotPrice p : ec2.describeSpotPriceHistoryPaginator(request).spotPriceHistory()) {
                // newest first per zone; keep the first seen
                byZone.putIfAbsent(p.availabilityZone(), Double.parseDouble(p.spotPrice()));
            }
        } catch (SdkException | IllegalArgumentException e) {
            throw new LookupFailed("live Spot price of " + instanceType + " in " + region + ": " + e.getMessage(), e);
        }
        if (byZone.isEmpty()) {
            throw new LookupFailed("EC2 returned no Spot price for " + instanceType + " (" + product + ") in " + region
                    + "; is the type offered there?", null);
        }
        double mean = byZone.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        return new Quote(mean, "live: DescribeSpotPriceHistory " + product + ", mean of " + byZone.size()
                + " Availability Zones at " + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    private Ec2Client client(String region) {
        Ec2ClientBuilder builder = Ec2Client.builder().region(Region.of(region)).httpClientBuilder(UrlConnectionHttpClient.builder());
        if (profile != null) {
            builder.credentialsProvider(ProfileCredentialsProvider.create(profile));
        }
        if (endpointUrl != null) {
            builder.endpointOverride(URI.create(endpointUrl));
        }
        return builder.build();
    }
}
