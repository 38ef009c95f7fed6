package dev.vending.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.vending.fleet.FleetTemplate;
import dev.vending.fleet.Scaling;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.MetricStatistic;
import software.amazon.awssdk.services.autoscaling.model.MetricType;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/**
 * `vending status` of an elastic fleet against moto. moto creates the stack but not its
 * AWS::AutoScaling::ScalingPolicy (unsupported as a stack resource), so the test puts the same policy with the
 * API, as CloudFormation would, and protects one instance as a busy runner's watcher would. The metric and the alarm
 * come through the SDK's CloudWatch client, which moto answers only through {@link CloudWatchCborBridge}.
 */
@Tag("slow")
class StatusScalingMotoTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    static final String REGION = "eu-west-1";

    @Test
    void statusShowsThePolicyTheMetricAndTheProtectedInstances() throws Exception {
        moto.reset();
        TestContext ctx = new TestContext();
        ctx.env.put("GITLAB_RUNNER_TOKEN", "glrt-MotoTestToken_0123456789");
        List<String> common = List.of("--region", REGION, "--endpoint-url", moto.endpoint());
        TestContext.Result deployed = ctx.run(concat(List.of("deploy", "--name", "elastic", "--scale-on", "jobs:75", "--max", "5",
                "--runners", "2", "--yes", "--quiet"), common));
        assertEquals(0, deployed.code(), deployed.all());
        try (AutoScalingClient as = AutoScalingClient.builder().region(Region.of(REGION)).endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build()) {
            String group = "vending-elastic-runners";
            as.putScalingPolicy(b -> b.autoScalingGroupName(group).policyName("RunnerScalingPolicy").policyType("TargetTrackingScaling")
                    .targetTrackingConfiguration(t -> t.targetValue(75.0).customizedMetricSpecification(m -> m.namespace(Scaling.NAMESPACE)
                            .metricName(Scaling.METRIC_NAME).statistic(MetricStatistic.AVERAGE)
                            .dimensions(d -> d.name(Scaling.DIMENSION).value(group)))));
            String busy = as.describeAutoScalingGroups(b -> b.autoScalingGroupNames(group)).autoScalingGroups().get(0).instances().get(0)
                    .instanceId();
            as.setInstanceProtection(b -> b.autoScalingGroupName(group).instanceIds(busy).protectedFromScaleIn(true));

            TestContext.Result status = ctx.run(concat(List.of("status", "--name", "elastic"), common));
            assertEquals(0, status.code(), status.all());
            assertTrue(status.out().contains("scaling: RunnerScalingPolicy keeps Vending/Runners/JobSlotUtilization (Average) at 75.0; "
                    + "protected from scale-in (busy): " + busy + "\n"), status.out());
            // the metric through the SDK's CloudWatch client: moto needs the CBOR bridge (see CloudWatchCborBridge)
            assertTrue(status.out().contains("  metric: not read: "), "without the bridge moto cannot answer; status still shows: " + status.out());
            TestContext.Result json = ctx.run(concat(List.of("status", "--name", "elastic", "--output", "json"), common));
            assertTrue(json.out().contains("\"protectedInstances\" : [ \"" + busy + "\" ]"), json.out());

            try (CloudWatchCborBridge bridge = new CloudWatchCborBridge(moto.endpoint());
                    CloudWatchClient cw = CloudWatchClient.builder().region(Region.of(REGION)).endpointOverride(URI.create(bridge.endpoint()))
                            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build()) {
                List<String> viaBridge = List.of("--region", REGION, "--endpoint-url", bridge.endpoint());
                TestContext.Result none = ctx.run(concat(List.of("status", "--name", "elastic"), viaBridge));
                assertTrue(none.out().contains("  metric JobSlotUtilization: no datapoint in the last 10 minutes"), none.out());

                // two instances publish as their watchers do (the watcher itself: WatcherScalingTest); another group's and
                // an undimensioned datapoint must not count
                Instant now = Instant.now();
                putJobSlots(cw, group, now, 25.0, 75.0);
                putJobSlots(cw, "vending-other-runners", now, 100.0);
                cw.putMetricData(b -> b.namespace(Scaling.NAMESPACE).metricData(d -> d.metricName(Scaling.METRIC_NAME).unit(StandardUnit.PERCENT)
                        .value(100.0).timestamp(now)));
                TestContext.Result some = ctx.run(concat(List.of("status", "--name", "elastic"), viaBridge));
                assertTrue(some.out().contains("  metric JobSlotUtilization: 50.0 for the minute from "), some.out());
                assertTrue(some.out().contains("; target 75.0 (Average per minute)\n"), some.out());

                // a CPU policy reads EC2's CPUUtilization of the group, five-minute periods (basic monitoring); moto has none
                as.deletePolicy(b -> b.autoScalingGroupName(group).policyName("RunnerScalingPolicy"));
                as.putScalingPolicy(b -> b.autoScalingGroupName(group).policyName("cpu").policyType("TargetTrackingScaling")
                        .targetTrackingConfiguration(t -> t.targetValue(60.0).predefinedMetricSpecification(p -> p
                                .predefinedMetricType(MetricType.ASG_AVERAGE_CPU_UTILIZATION))));
                TestContext.Result cpu = ctx.run(concat(List.of("status", "--name", "elastic"), viaBridge));
                assertTrue(cpu.out().contains("scaling: cpu keeps ASGAverageCPUUtilization at 60.0"), cpu.out());
                assertTrue(cpu.out().contains("  metric CPUUtilization: no datapoint in the last 20 minutes (Average per 5 minutes"), cpu.out());
                assertTrue(!cpu.out().contains("alarm "), "no --alarm-topic-arn, no alarm line: " + cpu.out());
            }
        }
    }

    private static void putJobSlots(CloudWatchClient cw, String group, Instant at, double... values) {
        for (double v : values) {
            cw.putMetricData(b -> b.namespace(Scaling.NAMESPACE).metricData(d -> d.metricName(Scaling.METRIC_NAME).unit(StandardUnit.PERCENT)
                    .value(v).timestamp(at).dimensions(x -> x.name(Scaling.DIMENSION).value(group))));
        }
    }

    /**
     * The in-service alarm: its name is the stack resource's physical id (moto lists an AWS::CloudWatch::Alarm stack
     * resource with empty ids, as it cannot create one, so the alarm is put here as CloudFormation would), its state
     * from DescribeAlarms.
     */
    @Test
    void inServiceAlarmStateFromTheStacksAlarmResource() throws Exception {
        moto.reset();
        try (CloudWatchCborBridge bridge = new CloudWatchCborBridge(moto.endpoint());
                CloudWatchClient cw = CloudWatchClient.builder().region(Region.of(REGION)).endpointOverride(URI.create(bridge.endpoint()))
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build()) {
            String name = "vending-fleet-RunnersInServiceAlarm-1A2B3C4D5E6F";
            cw.putMetricAlarm(b -> b.alarmName(name).comparisonOperator("GreaterThanThreshold").threshold(0.0).evaluationPeriods(15)
                    .metrics(q -> q.id("missing").expression("desired - inService").returnData(true)));
            cw.setAlarmState(b -> b.alarmName(name).stateValue(StateValue.ALARM).stateReason("Threshold Crossed: 15 datapoints were greater than 0"));
            CloudWatchApi api = new CloudWatchApi(cw);
            List<StackResourceSummary> resources = List.of(
                    StackResourceSummary.builder().logicalResourceId("RunnerGroup").physicalResourceId("vending-fleet-runners").build(),
                    StackResourceSummary.builder().logicalResourceId(FleetTemplate.IN_SERVICE_ALARM).physicalResourceId(name).build());

            StatusReport.Alarm alarm = StatusReporter.inServiceAlarm(resources, api::alarm);
            assertEquals(name, alarm.name());
            assertTrue(alarm.found());
            assertEquals("ALARM", alarm.state());
            assertEquals("Threshold Crossed: 15 datapoints were greater than 0", alarm.reason());
            assertTrue(alarm.since() != null && alarm.since().endsWith("Z"), alarm.toString());

            cw.deleteAlarms(b -> b.alarmNames(name));
            assertEquals(false, StatusReporter.inServiceAlarm(resources, api::alarm).found(), "deleted outside the stack: not found");
            assertEquals(null, StatusReporter.inServiceAlarm(resources.subList(0, 1), api::alarm), "a fleet without --alarm-topic-arn");
        }
    }

    private static String[] concat(List<String> a, List<String> b) {
        java.util.List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all.toArray(String[]::new);
    }
}
