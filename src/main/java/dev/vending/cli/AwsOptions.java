package dev.vending.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.vending.deploy.AwsSettings;
import dev.vending.failure.BadInput;
import dev.vending.fleet.FleetSpec;
import picocli.CommandLine.Option;

/**
 * AWS options of deploy, destroy and status (a picocli mixin). Plain strings only: no AWS SDK type
 * may be reachable from here, because picocli builds every command's options, generate's too.
 */
public final class AwsOptions {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*([smh]?)");

    @Option(names = "--region", paramLabel = "REGION", description = "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, or the profile's region).")
    String region;

    @Option(names = "--profile", paramLabel = "PROFILE", description = "Named profile of ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE, else the default credential chain).")
    String profile;

    @Option(names = "--endpoint-url", paramLabel = "URL", description = "Send all AWS calls to this endpoint (LocalStack, moto, a VPC endpoint).")
    String endpointUrl;

    @Option(names = "--output", paramLabel = "FORMAT", completionCandidates = Completions.Output.class, description = "text or json: one JSON document on stdout, no prompts or colours (default: ${DEFAULT-VALUE}).",
            defaultValue = "text")
    String output;

    boolean json() {
        String v = output == null ? "text" : output.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "text" -> false;
            case "json" -> true;
            default -> throw new BadInput("--output", "unknown format '" + output + "' (expected text or json)");
        };
    }

    AwsSettings settings(boolean yes, String timeout) {
        return new AwsSettings(blankToNull(region), blankToNull(profile), blankToNull(endpointUrl), json(), yes, parseTimeout(timeout));
    }

    /** 90s, 30m, 2h, or plain minutes. */
    static Duration parseTimeout(String value) {
        if (value == null) {
            return null;
        }
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new BadInput("--timeout", "expected a duration such as 90s, 30m or 2h, got '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofMinutes(n);
        };
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** The stack deploy makes for a fleet: vending-NAME. */
    static String stackNameOf(String fleetName) {
        return checkStackName("vending-" + fleetName);
    }

    /**
     * The stack status and destroy work on: --stack-name, else the one deploy makes for --name
     * (default gitlab-runners). Both given: bad input.
     */
    static String stackName(String stackName, String fleetName) {
        if (stackName != null && fleetName != null) {
            throw new BadInput("--name", "give --name or --stack-name, not both");
        }
        if (stackName != null) {
            return checkStackName(stackName);
        }
        // the fleet's own rule for names, so `--name X` finds what `deploy --name X` made
        String name = FleetSpec.builder().name(fleetName != null ? fleetName : FleetSpec.DEFAULT_NAME).build().name();
        return stackNameOf(name);
    }

    /** CloudFormation stack names: a letter, then letters, digits and hyphens, at most 128. */
    static String checkStackName(String name) {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9-]{0,127}")) {
            throw new BadInput("--stack-name", "'" + name + "' is not a valid stack name (a letter, then letters, digits and '-', at most 128)");
        }
        return name;
    }
}
