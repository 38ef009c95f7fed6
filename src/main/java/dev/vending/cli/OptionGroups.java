package dev.vending.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.Model.OptionSpec;

/**
 * Which group each option is shown in by the usage help, by its longest name, in display order;
 * the same name is in the same group in every command. A new option belongs in this table:
 * {@code HelpTextTest} fails for an option of any command that is in no group (help shows it
 * under "Other" meanwhile). Loaded only when help is printed.
 */
final class OptionGroups {
    static final String OTHER = "Other";

    private static final Map<String, String> GROUP_OF = new LinkedHashMap<>();

    static {
        group("Fleet", "--name", "--os", "--arch", "--instance-types", "--allow-unknown-instance-types", "--executor",
                "--concurrency", "--runner-tags", "--gitlab-url", "--runner-version", "--docker-image", "--docker-privileged",
                "--drain-timeout", "--volume-size", "--cache", "--alarm-topic-arn");
        group("Capacity", "--runners", "--min", "--max", "--spot", "--on-demand", "--spot-percent", "--on-demand-base", "--scale-on");
        group("Schedule", "--schedule-start", "--schedule-stop", "--timezone", "--schedule-runners", "--schedule-min");
        group("docker-autoscaler", "--max-use-count", "--idle-count", "--idle-time", "--fleeting-plugin-version");
        group("Prices", "--hours-per-week", "--busy-hours-per-week", "--price", "--spot-price", "--arm-factor", "--baseline-type", "--live-prices");
        group("Stack", "--stack-name", "--template-file", "--vpc", "--subnets", "--token-file", "--parameter", "--tags",
                "--s3-bucket", "--yes", "--no-execute", "--replace-failed", "--timeout");
        group("Stack set", "--regions", "--accounts", "--org-units", "--region-parameter", "--stack-set");
        group("Security", "--jobs-use-instance-role", "--jobs-may-read-runner-token", "--kms-key-arn", "--permissions-boundary",
                "--job-role", "--job-role-subject", "--job-policy-arn", "--oidc-provider-arn");
        group("AWS", "--region", "--profile", "--endpoint-url");
        group("Publish", "--bucket", "--prefix", "--public", "--check", "--principal-arn");
        group("Output", "--output", "--format", "--output-file", "--all-parameters", "--quiet", "--out", "--template-base-url");
        group("General", "--help", "--version", "--verbose");
    }

    private OptionGroups() {
    }

    private static void group(String name, String... options) {
        for (String option : options) {
            if (GROUP_OF.put(option, name) != null) {
                throw new IllegalStateException(option + " is in two groups");
            }
        }
    }

    /** The group of an option, or null when the table lacks it. */
    static String groupOf(OptionSpec option) {
        return GROUP_OF.get(option.longestName());
    }

    /** The options by group, groups and options in the table's order; options in no group last, under "Other". */
    static Map<String, List<OptionSpec>> arrange(List<OptionSpec> options) {
        Map<String, List<OptionSpec>> groups = new LinkedHashMap<>();
        for (String group : GROUP_OF.values()) {
            groups.putIfAbsent(group, new ArrayList<>());
        }
        groups.put(OTHER, new ArrayList<>());
        for (Map.Entry<String, String> entry : GROUP_OF.entrySet()) {
            for (OptionSpec o : options) {
                if (o.longestName().equals(entry.getKey())) {
                    groups.get(entry.getValue()).add(o);
                }
            }
        }
        for (OptionSpec o : options) {
            if (groupOf(o) == null) {
                groups.get(OTHER).add(o);
            }
        }
        groups.values().removeIf(List::isEmpty);
        return groups;
    }
}
