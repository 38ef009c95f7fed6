package dev.vending.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.vending.fleet.Scaling;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.MetricStatistic;
import software.amazon.awssdk.services.autoscaling.model.MetricType;

/**
 * `vending status` of an elastic fleet against moto. moto creates the stack but not its
 * AWS::AutoScaling::ScalingPolicy (unsupported as a stack resource), so the test puts the same policy with the
 * API, as CloudFormation would, and protects one instance as a busy runner's watcher would.
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
            assertTrue(status.out().contains("current metric: aws cloudwatch get-metric-statistics --region " + REGION
                    + " --namespace Vending/Runners --metric-name JobSlotUtilization --dimensions Name=AutoScalingGroupName,Value=" + group),
                    status.out());
            TestContext.Result json = ctx.run(concat(List.of("status", "--name", "elastic", "--output", "json"), common));
            assertTrue(json.out().contains("\"protectedInstances\" : [ \"" + busy + "\" ]"), json.out());

            // a CPU policy shows its predefined metric and no command
            as.deletePolicy(b -> b.autoScalingGroupName(group).policyName("RunnerScalingPolicy"));
            as.putScalingPolicy(b -> b.autoScalingGroupName(group).policyName("cpu").policyType("TargetTrackingScaling")
                    .targetTrackingConfiguration(t -> t.targetValue(60.0).predefinedMetricSpecification(p -> p
                            .predefinedMetricType(MetricType.ASG_AVERAGE_CPU_UTILIZATION))));
            TestContext.Result cpu = ctx.run(concat(List.of("status", "--name", "elastic"), common));
            assertTrue(cpu.out().contains("scaling: cpu keeps ASGAverageCPUUtilization at 60.0"), cpu.out());
            assertTrue(!cpu.out().contains("current metric:"), cpu.out());
        }
    }

    private static String[] concat(List<String> a, List<String> b) {
        java.util.List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all.toArray(String[]::new);
    }
}
