package dev.vending.cli;

import java.net.URI;
import java.net.URISyntaxException;

import dev.vending.failure.BadInput;
import picocli.CommandLine.Option;

/**
 * --profile and --endpoint-url for commands that call AWS only sometimes ({@code cost --live-prices}),
 * with the same names and meaning as deploy's {@link AwsOptions}. Plain strings: no SDK type here.
 */
public final class AwsAccessOptions {

    @Option(names = "--profile", paramLabel = "PROFILE",
            description = "Named profile of ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE, else the default credential chain).")
    String profile;

    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "Send the AWS calls to this endpoint (moto, LocalStack, a VPC endpoint; default: AWS_ENDPOINT_URL, else AWS's own).")
    String endpointUrl;

    /** The profile, or null for the SDK's default chain. */
    String profile() {
        return AwsOptions.blankToNull(profile);
    }

    /** The endpoint checked as an http(s) URL with a host, or null. */
    String endpointUrl() {
        String url = AwsOptions.blankToNull(endpointUrl);
        if (url == null) {
            return null;
        }
        try {
            URI uri = new URI(url);
            if (("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new BadInput("--endpoint-url", "'" + endpointUrl + "' is not an http:// or https:// URL with a host");
    }

    /** True when either option was given (they do nothing unless the command calls AWS). */
    boolean given() {
        return profile != null || endpointUrl != null;
    }
}
