package dev.vending.deploy;

import java.util.List;
import java.util.Map;

/** What `vending status` found: the stack, its outputs, its group and instances, and recent failed launches. */
public record StatusReport(String stackName, String region, String stackId, String status, String statusReason, Map<String, String> outputs,
        Group group, List<Instance> instances, List<FailedLaunch> failedLaunches, String consoleUrl, Scaling scaling) {

    /**
     * An elastic fleet's target tracking policy, the instances protected from scale-in (busy runners) and the AWS CLI
     * command that reads the job-slot metric (this build has no CloudWatch client); null without a policy.
     */
    public record Scaling(String policy, String metric, Double target, List<String> protectedInstances, String metricCommand) {
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
