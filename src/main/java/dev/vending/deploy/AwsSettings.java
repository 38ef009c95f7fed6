package dev.vending.deploy;

import java.time.Duration;

/** Plain AWS settings from the command line (no SDK types, so cli classes may hold them). */
public record AwsSettings(String region, String profile, String endpointUrl, boolean json, boolean yes, Duration timeout) {
}
