package dev.vending.deploy;

import java.util.List;
import java.util.Map;

/**
 * What a deploy did. {@code message} explains a FAILED result in one line (the command prints it
 * and exits 1); the other fields are null or empty where this run did not get that far.
 */
public record DeployResult(Outcome result, String stackName, String region, String stackId, String changeSetName, String changeSetType,
        String templateUrl, List<Plan.ResourceChange> changes, List<Plan.ParameterChange> parameterChanges, String tokenParameter,
        String status, List<StackEventLine> events, List<String> failures, Map<String, String> outputs, List<String> runnerTags,
        String consoleUrl, String message) {
}
