package dev.vending.cfn.resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vending.cfn.CfnProperty;
import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/** AWS::AutoScaling::AutoScalingGroup. */
public final class AutoScalingGroup extends Resource {
    private Object autoScalingGroupName;
    private Object minSize;
    private Object maxSize;
    private Object desiredCapacity;
    private Object vpcZoneIdentifier;
    private MixedInstancesPolicy mixedInstancesPolicy;
    private Object capacityRebalance;
    private Object healthCheckGracePeriod;
    private String healthCheckType;
    private Object defaultInstanceWarmup;
    private final List<LifecycleHookSpecification> lifecycleHooks = new ArrayList<>();
    private final List<dev.vending.cfn.CfnProperty> tags = new ArrayList<>();
    private List<String> metricsCollection;
    private Boolean newInstancesProtectedFromScaleIn;

    public AutoScalingGroup(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::AutoScaling::AutoScalingGroup";
    }

    public AutoScalingGroup autoScalingGroupName(Object v) { autoScalingGroupName = v; return this; }
    public AutoScalingGroup minSize(Object v) { minSize = v; return this; }
    public AutoScalingGroup maxSize(Object v) { maxSize = v; return this; }
    public AutoScalingGroup desiredCapacity(Object v) { desiredCapacity = v; return this; }
    public AutoScalingGroup vpcZoneIdentifier(Object v) { vpcZoneIdentifier = v; return this; }
    public AutoScalingGroup mixedInstancesPolicy(MixedInstancesPolicy v) { mixedInstancesPolicy = v; return this; }
    public AutoScalingGroup capacityRebalance(Object v) { capacityRebalance = v; return this; }
    public AutoScalingGroup healthCheckGracePeriod(Object v) { healthCheckGracePeriod = v; return this; }
    public AutoScalingGroup healthCheckType(String v) { healthCheckType = v; return this; }
    /** Seconds after InService before an instance counts in the group's metrics; null leaves it out. */
    public AutoScalingGroup defaultInstanceWarmup(Object v) { defaultInstanceWarmup = v; return this; }
    public AutoScalingGroup lifecycleHook(LifecycleHookSpecification v) { lifecycleHooks.add(v); return this; }
    public AutoScalingGroup tag(Tag v) { tags.add(v); return this; }

    /** A tag present only where {@code condition} holds (Fn::If with AWS::NoValue drops the element). */
    public AutoScalingGroup tagIf(dev.vending.cfn.Condition condition, Tag v) {
        tags.add(() -> dev.vending.cfn.Fn.ifThen(condition, v.toCfn(), dev.vending.cfn.Fn.NO_VALUE));
        return this;
    }
    public AutoScalingGroup metricsCollection(List<String> metrics) { metricsCollection = List.copyOf(metrics); return this; }
    /** New instances start protected from scale-in (a docker-autoscaler worker group: the plugin picks what goes). */
    public AutoScalingGroup newInstancesProtectedFromScaleIn(boolean v) { newInstancesProtectedFromScaleIn = v; return this; }

    /** Rolling replacement that keeps runners in service (see AutoScalingRollingUpdate). */
    public AutoScalingGroup rollingUpdate(Object minInstancesInService, Object maxBatchSize, String pauseTime,
            boolean waitOnResourceSignals, List<String> suspendProcesses) {
        return rollingUpdate(minInstancesInService, maxBatchSize, null, pauseTime, waitOnResourceSignals, suspendProcesses);
    }

    /**
     * As above, with {@code minSuccessfulInstancesPercent} (null leaves it out: 100): the share of a batch's new
     * instances that must signal success within {@code pauseTime} (needs {@code waitOnResourceSignals}).
     */
    public AutoScalingGroup rollingUpdate(Object minInstancesInService, Object maxBatchSize, Integer minSuccessfulInstancesPercent,
            String pauseTime, boolean waitOnResourceSignals, List<String> suspendProcesses) {
        Map<String, Object> rolling = new LinkedHashMap<>();
        rolling.put("MinInstancesInService", minInstancesInService);
        rolling.put("MaxBatchSize", maxBatchSize);
        if (minSuccessfulInstancesPercent != null) {
            rolling.put("MinSuccessfulInstancesPercent", minSuccessfulInstancesPercent);
        }
        rolling.put("PauseTime", pauseTime);
        rolling.put("WaitOnResourceSignals", waitOnResourceSignals);
        if (suspendProcesses != null && !suspendProcesses.isEmpty()) {
            rolling.put("SuspendProcesses", List.copyOf(suspendProcesses));
        }
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("AutoScalingRollingUpdate", rolling);
        policy.put("AutoScalingScheduledAction", Map.of("IgnoreUnmodifiedGroupSizeProperties", true));
        updatePolicy(policy);
        return this;
    }

    /** Creation waits for {@code count} success signals (SignalResource from each new instance) within {@code timeout}. */
    public AutoScalingGroup resourceSignal(Object count, String timeout) {
        Map<String, Object> signal = new LinkedHashMap<>();
        signal.put("Count", count);
        signal.put("Timeout", timeout);
        creationPolicy(Map.of("ResourceSignal", signal));
        return this;
    }

    @Override
    protected Props properties() {
        return Props.of()
                .put("AutoScalingGroupName", autoScalingGroupName)
                .put("MinSize", minSize)
                .put("MaxSize", maxSize)
                .put("DesiredCapacity", desiredCapacity)
                .put("VPCZoneIdentifier", vpcZoneIdentifier)
                .put("MixedInstancesPolicy", mixedInstancesPolicy == null ? null : mixedInstancesPolicy.toCfn())
                .put("CapacityRebalance", capacityRebalance)
                .put("HealthCheckType", healthCheckType)
                .put("HealthCheckGracePeriod", healthCheckGracePeriod)
                .put("NewInstancesProtectedFromScaleIn", newInstancesProtectedFromScaleIn)
                .put("DefaultInstanceWarmup", defaultInstanceWarmup)
                .put("LifecycleHookSpecificationList", lifecycleHooks.isEmpty() ? null : Props.all(lifecycleHooks))
                .put("MetricsCollection", metricsCollection == null ? null
                        : List.of(Props.of().put("Granularity", "1Minute").put("Metrics", metricsCollection).toMap()))
                .put("Tags", tags.isEmpty() ? null : Props.all(tags));
    }

    /** MixedInstancesPolicy: launch template, instance-type overrides and the Spot/On-Demand split. */
    public record MixedInstancesPolicy(Object launchTemplateId, Object launchTemplateVersion, List<?> instanceTypes,
            InstancesDistribution distribution) implements CfnProperty {
        /**
         * An override whose type comes from a template parameter and applies only when {@code present}
         * holds (e.g. the optional InstanceType2..6 parameters of the full template).
         */
        public record OptionalType(dev.vending.cfn.Condition present, Object instanceType) {
        }

        @Override
        public Object toCfn() {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("LaunchTemplateId", launchTemplateId);
            spec.put("Version", launchTemplateVersion);
            Map<String, Object> lt = new LinkedHashMap<>();
            lt.put("LaunchTemplateSpecification", spec);
            lt.put("Overrides", instanceTypes.stream().map(t -> t instanceof OptionalType o
                    ? (Object) dev.vending.cfn.Fn.ifThen(o.present(), Map.of("InstanceType", o.instanceType()), dev.vending.cfn.Fn.NO_VALUE)
                    : (Object) Map.of("InstanceType", t)).toList());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("InstancesDistribution", distribution.toCfn());
            m.put("LaunchTemplate", lt);
            return m;
        }
    }

    public record InstancesDistribution(Object onDemandBaseCapacity, Object onDemandPercentageAboveBaseCapacity,
            String onDemandAllocationStrategy, Object spotAllocationStrategy) implements CfnProperty {
        @Override
        public Object toCfn() {
            return Props.of()
                    .put("OnDemandAllocationStrategy", onDemandAllocationStrategy)
                    .put("OnDemandBaseCapacity", onDemandBaseCapacity)
                    .put("OnDemandPercentageAboveBaseCapacity", onDemandPercentageAboveBaseCapacity)
                    .put("SpotAllocationStrategy", spotAllocationStrategy)
                    .toMap();
        }
    }

    /** A lifecycle hook declared in the group, so it exists before the first instance launches. */
    public record LifecycleHookSpecification(String name, String transition, int heartbeatTimeoutSeconds,
            String defaultResult) implements CfnProperty {
        public static final String LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING";
        public static final String TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING";

        @Override
        public Object toCfn() {
            return Props.of()
                    .put("LifecycleHookName", name)
                    .put("LifecycleTransition", transition)
                    .put("HeartbeatTimeout", heartbeatTimeoutSeconds)
                    .put("DefaultResult", defaultResult)
                    .toMap();
        }
    }
}
