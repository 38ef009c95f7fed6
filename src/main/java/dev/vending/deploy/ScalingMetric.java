package dev.vending.deploy;

import java.util.List;
import java.util.Optional;

import software.amazon.awssdk.services.autoscaling.model.TargetTrackingConfiguration;

/**
 * The CloudWatch metric a target tracking policy follows, as the policy reads it: namespace, name, the exact
 * dimensions (a datapoint published with other dimensions is another metric), statistic, unit and period.
 */
record ScalingMetric(String namespace, String name, List<Dimension> dimensions, String statistic, String unit, int periodSeconds) {
    /** The period of a customized metric when the policy names none (EC2 Auto Scaling's default; 10 and 30 are the others). */
    static final int CUSTOM_PERIOD_SECONDS = 60;
    /**
     * EC2 publishes an instance's CPU and network metrics every 5 minutes under basic monitoring, which vending's
     * launch template keeps (detailed monitoring is billed per metric); one-minute periods would be mostly empty.
     */
    static final int EC2_BASIC_PERIOD_SECONDS = 300;

    record Dimension(String name, String value) {
    }

    /**
     * The metric behind the policy: a customized metric in its simple form as written, or the EC2 metric of a
     * predefined group metric (ASGAverageCPUUtilization is AWS/EC2 CPUUtilization by AutoScalingGroupName, Average).
     * Empty for what status does not read: a metric-math customized metric and the load balancer's request count.
     */
    static Optional<ScalingMetric> of(TargetTrackingConfiguration tt, String group) {
        if (tt.customizedMetricSpecification() != null) {
            var m = tt.customizedMetricSpecification();
            if (m.hasMetrics() && !m.metrics().isEmpty() || m.metricName() == null) {
                return Optional.empty();
            }
            List<Dimension> dims = m.dimensions().stream().map(d -> new Dimension(d.name(), d.value())).toList();
            return Optional.of(new ScalingMetric(m.namespace(), m.metricName(), dims, m.statisticAsString(), m.unit(),
                    m.period() != null ? m.period() : CUSTOM_PERIOD_SECONDS));
        }
        if (tt.predefinedMetricSpecification() == null) {
            return Optional.empty();
        }
        String ec2Metric = switch (tt.predefinedMetricSpecification().predefinedMetricTypeAsString()) {
            case "ASGAverageCPUUtilization" -> "CPUUtilization";
            case "ASGAverageNetworkIn" -> "NetworkIn";
            case "ASGAverageNetworkOut" -> "NetworkOut";
            default -> null;
        };
        return ec2Metric == null ? Optional.empty() : Optional.of(new ScalingMetric("AWS/EC2", ec2Metric,
                List.of(new Dimension("AutoScalingGroupName", group)), "Average", null, EC2_BASIC_PERIOD_SECONDS));
    }
}
