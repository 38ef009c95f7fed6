package dev.vending.deploy;

import java.util.List;
import java.util.Map;

/**
 * What `vending status` found: the stack, its outputs, its group and instances, and recent failed launches;
 * {@code workers} is a docker-autoscaler fleet's worker group (null for other fleets); {@code inServiceAlarm} the
 * --alarm-topic-arn alarm (null for a fleet without one).
 */
public record StatusReport(String stackName, String region, String stackId, String status, String statusReason, Map<String, String> outputs,
        Group group, List<Instance> instances, List<FailedLaunch> failedLaunches, String consoleUrl, Scaling scaling,
        Group workers, Alarm inServiceAlarm) {

    /**
     * An elastic fleet's target tracking policy, the instances protected from scale-in (busy runners) and the
     * policy's metric as CloudWatch has it now ({@code current}); null without a policy.
     */
    public record Scaling(String policy, String metric, Double target, List<String> protectedInstances, MetricReading current) {
    }

    /**
     * The policy's metric read with its own statistic and period: {@code latest} the newest period's value
     * ({@code latestAt} its start, UTC), {@code recentMean} the mean of the {@code recentDatapoints} period values
     * of the last {@code recentMinutes} minutes, both null when no datapoint came in the last {@code lookbackMinutes};
     * {@code problem} says why nothing was read (the call failed, or a metric status does not read).
     */
    public record MetricReading(String namespace, String metricName, String statistic, Integer periodSeconds, Double latest, String latestAt,
            Double recentMean, int recentDatapoints, Integer recentMinutes, Integer lookbackMinutes, String problem) {
    }

    /**
     * A CloudWatch alarm's state (OK, ALARM, INSUFFICIENT_DATA), why and since when; {@code found} false when it is gone;
     * {@code problem} why it was not read (then {@code name} is null if the stack's resources could not be listed).
     */
    public record Alarm(String name, boolean found, String state, String reason, String since, String problem) {
    }

    /** The Auto Scaling group's counts; {@code found} false when the output names a group that is gone. */
    public record Group(String name, boolean found, Integer desired, Integer min, Integer max, Long inService) {
    }

    /** One instance of the group: Spot or On-Demand, type, zone, EC2 state, group lifecycle state, health. */
    public record Instance(String instanceId, String lifecycle, String instanceType, String availabilityZone, String state,
            String groupLifecycleState, String health) {
    }

    /**
     * A scaling activity that failed or was cancelled (a launch that did not come up, a lifecycle hook
     * abandoned), with where its bootstrap log is when it names an instance.
     */
    public record FailedLaunch(String startTime, String statusCode, String description, String cause, String logGroup, String logStream) {
    }
}
