package dev.vending.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vending.cfn.TemplateFormat;
import dev.vending.failure.BadInput;
import dev.vending.testing.CfnEvaluator;
import dev.vending.testing.CfnEvaluator.Evaluated;
import dev.vending.testing.CfnYaml;

/**
 * {@code --alarm-topic-arn}: a CloudWatch alarm (metric math on the group metrics the template
 * collects every minute) that notifies the topic when desired minus in-service stays above 0 for
 * longer than a launch may take: 15 one-minute periods on Linux, 30 on Windows.
 */
class InServiceAlarmTest {
    private static final String TOPIC = "arn:aws:sns:eu-central-1:123456789012:runner-ops";

    private static Evaluated evaluate(FleetSpec spec) {
        return CfnEvaluator.fromText(TemplateFormat.YAML.render(FleetTemplate.build(spec))).parameters(Map.of(
                FleetTemplate.P_VPC, "vpc-1", FleetTemplate.P_SUBNETS, "subnet-1", FleetTemplate.P_RUNNER_TOKEN, "glrt-x")).evaluate();
    }

    @Test
    void alarmsWhenFewerRunnersAreInServiceThanDesiredForLongerThanALaunch() {
        for (OperatingSystem os : OperatingSystem.values()) {
            FleetSpec spec = FleetSpec.builder().os(os).executor(os == OperatingSystem.WINDOWS ? Executor.SHELL : Executor.DOCKER)
                    .runners(4).alarmTopicArn(TOPIC).build();
            Evaluated e = evaluate(spec);
            Map<String, Object> alarm = e.properties(InServiceAlarm.ALARM);
            assertEquals(List.of(TOPIC), alarm.get("AlarmActions"));
            assertEquals(List.of(TOPIC), alarm.get("OKActions"), "and when it recovers");
            assertEquals("GreaterThanThreshold", alarm.get("ComparisonOperator"));
            assertEquals("0.0", String.valueOf(alarm.get("Threshold")));
            long minutes = os == OperatingSystem.WINDOWS ? 30 : 15;
            assertEquals(minutes, ((Number) alarm.get("EvaluationPeriods")).longValue());
            assertEquals(minutes, ((Number) alarm.get("DatapointsToAlarm")).longValue());
            List<Map<String, Object>> metrics = CfnYaml.at(alarm, "Metrics");
            assertEquals("desired - inService", metrics.get(2).get("Expression"));
            assertEquals(true, metrics.get(2).get("ReturnData"));
            for (int i = 0; i < 2; i++) {
                Map<String, Object> metric = CfnYaml.at(metrics.get(i), "MetricStat", "Metric");
                assertEquals(List.of("GroupDesiredCapacity", "GroupInServiceInstances").get(i), metric.get("MetricName"));
                assertEquals("{Ref:RunnerGroup}", CfnYaml.at(metric, "Dimensions", 0, "Value"));
                assertEquals(60L, ((Number) CfnYaml.at(metrics.get(i), "MetricStat", "Period")).longValue());
                // the group publishes these metrics: MetricsCollection in the template
                assertEquals(true, String.valueOf(e.properties(FleetTemplate.ASG).get("MetricsCollection")).contains((String) metric.get("MetricName")));
            }
        }
        assertFalse(evaluate(FleetSpec.builder().build()).has(InServiceAlarm.ALARM), "no alarm without --alarm-topic-arn");
        assertEquals("--alarm-topic-arn", assertThrows(BadInput.class,
                () -> FleetSpec.builder().alarmTopicArn("arn:aws:s3:::bucket").build()).option());
    }
}
