package dev.vending.deploy;

import java.util.List;
import java.util.Optional;

import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.Activity;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.ScalingActivityStatusCode;

/** Auto Scaling calls, one method each, pagination inside; stateless. */
final class AutoScalingApi {
    private final AutoScalingClient autoscaling;

    AutoScalingApi(AutoScalingClient autoscaling) {
        this.autoscaling = autoscaling;
    }

    Optional<AutoScalingGroup> group(String name) {
        return autoscaling.describeAutoScalingGroups(b -> b.autoScalingGroupNames(name)).autoScalingGroups().stream().findFirst();
    }

    /** The group's scaling policies. */
    List<software.amazon.awssdk.services.autoscaling.model.ScalingPolicy> policies(String group) {
        return autoscaling.describePolicies(b -> b.autoScalingGroupName(group)).scalingPolicies();
    }

    /** The group's most recent activities that failed or were cancelled, newest first, at most {@code max}. */
    List<Activity> failedActivities(String group, int max) {
        return autoscaling.describeScalingActivitiesPaginator(b -> b.autoScalingGroupName(group).maxRecords(50)).activities().stream()
                .limit(100) // the newest hundred are enough to find recent failures, and bound the pages read
                .filter(a -> a.statusCode() == ScalingActivityStatusCode.FAILED || a.statusCode() == ScalingActivityStatusCode.CANCELLED)
                .limit(max)
                .toList();
    }
}
