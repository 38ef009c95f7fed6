package dev.vending.cfn.resource;

import java.util.List;
import java.util.Map;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/**
 * AWS::AutoScaling::ScalingPolicy of type TargetTrackingScaling: Auto Scaling keeps the metric near
 * TargetValue by setting the group's desired capacity between its MinSize and MaxSize.
 */
public final class ScalingPolicy extends Resource {
    private Object autoScalingGroupName;
    private Object targetTrackingConfiguration;

    public ScalingPolicy(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::AutoScaling::ScalingPolicy";
    }

    public ScalingPolicy autoScalingGroupName(Object v) { autoScalingGroupName = v; return this; }

    /** A whole TargetTrackingConfiguration, e.g. from {@link #predefined} or {@link #customized}, or an Fn::If of both. */
    public ScalingPolicy targetTracking(Object configuration) { targetTrackingConfiguration = configuration; return this; }

    /** Tracks a predefined metric such as ASGAverageCPUUtilization. */
    public static Map<String, Object> predefined(String metricType, Object targetValue) {
        return Props.of()
                .put("PredefinedMetricSpecification", Props.of().put("PredefinedMetricType", metricType).toMap())
                .put("TargetValue", targetValue)
                .put("DisableScaleIn", false)
                .toMap();
    }

    /**
     * Tracks a customized metric (the simple form: one metric, one statistic). The dimensions must be the
     * ones the metric is published with.
     */
    public static Map<String, Object> customized(String namespace, String metricName, String dimensionName,
            Object dimensionValue, String statistic, String unit, Object targetValue) {
        Map<String, Object> metric = Props.of()
                .put("Namespace", namespace)
                .put("MetricName", metricName)
                .put("Dimensions", List.of(Props.of().put("Name", dimensionName).put("Value", dimensionValue).toMap()))
                .put("Statistic", statistic)
                .put("Unit", unit)
                .toMap();
        return Props.of()
                .put("CustomizedMetricSpecification", metric)
                .put("TargetValue", targetValue)
                .put("DisableScaleIn", false)
                .toMap();
    }

    @Override
    protected Props properties() {
        return Props.of()
                .put("AutoScalingGroupName", autoScalingGroupName)
                .put("PolicyType", "TargetTrackingScaling")
                .put("TargetTrackingConfiguration", targetTrackingConfiguration);
    }
}
