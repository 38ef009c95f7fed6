package dev.vending.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * `vending deploy --executor docker-autoscaler` against a real moto server: both groups exist as the
 * plugin needs them, and when something sets the worker group's desired capacity (what the fleeting
 * plugin does for a queued job) a worker comes up with no role, in the group that only the manager's
 * group may reach over SSH. The real runner and plugin are not part of this test (they cannot be built
 * here); see docs/docker-autoscaler.md.
 */
class AutoscalerDeployMotoTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    static final String REGION = "eu-west-1";
    static final String STACK = "vending-gitlab-runners";

    TestContext ctx;

    @BeforeEach
    void reset() throws Exception {
        moto.reset();
        ctx = new TestContext();
    }

    <B extends AwsClientBuilder<B, C>, C> C client(AwsClientBuilder<B, C> b) {
        return b.region(Region.of(REGION)).endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build();
    }

    String[] args(String... more) {
        List<String> a = new java.util.ArrayList<>(List.of(more));
        a.addAll(List.of("--region", REGION, "--endpoint-url", moto.endpoint()));
        return a.toArray(String[]::new);
    }

    @Test
    void deploysTheManagerAndAnEmptyWorkerGroupThatScalesWhenTheDesiredCapacityIsSet() throws Exception {
        ctx.env.put("GITLAB_RUNNER_TOKEN", "glrt-MotoAutoscalerToken_0123");
        TestContext.Result created = ctx.run(args("deploy", "--yes", "--executor", "docker-autoscaler", "--spot", "--arch", "arm64",
                "--max", "100"));
        assertEquals(0, created.code(), created.all());
        assertTrue(created.out().contains("CREATE_COMPLETE"), created.out());
        assertFalse(created.all().contains("glrt-MotoAutoscalerToken_0123"));

        try (software.amazon.awssdk.services.ssm.SsmClient ssm = client(software.amazon.awssdk.services.ssm.SsmClient.builder())) {
            String setup = ssm.getParameter(b -> b.name("/vending/" + STACK + "/manager-setup")).parameter().value();
            assertTrue(setup.contains("name = \"" + STACK + "-workers\"") && setup.contains("region = \"" + REGION + "\""), setup);
            assertFalse(setup.contains("glrt-"), "the manager's setup holds no token");
        }
        try (AutoScalingClient asg = client(AutoScalingClient.builder()); Ec2Client ec2 = client(Ec2Client.builder())) {
            AutoScalingGroup manager = group(asg, STACK + "-runners");
            assertEquals(List.of(1, 1, 1), List.of(manager.minSize(), manager.maxSize(), manager.desiredCapacity()));
            AutoScalingGroup workers = group(asg, STACK + "-workers");
            assertEquals(List.of(0, 100, 0), List.of(workers.minSize(), workers.maxSize(), workers.desiredCapacity()));
            assertTrue(workers.newInstancesProtectedFromScaleIn());
            assertTrue(workers.instances().isEmpty(), "no worker before a job asks for one");

            // what the plugin does when the manager needs capacity, and what the manager does at boot
            asg.setDesiredCapacity(b -> b.autoScalingGroupName(STACK + "-workers").desiredCapacity(1));
            asg.suspendProcesses(b -> b.autoScalingGroupName(STACK + "-workers").scalingProcesses("AZRebalance"));
            AutoScalingGroup scaled = waitForInstances(asg, STACK + "-workers", 1);
            assertEquals(1, scaled.desiredCapacity());
            assertTrue(scaled.suspendedProcesses().stream().anyMatch(p -> "AZRebalance".equals(p.processName())));
            String workerId = scaled.instances().get(0).instanceId();
            assertTrue(scaled.instances().get(0).protectedFromScaleIn(), "new workers are protected from scale-in");
            Instance worker = ec2.describeInstances(b -> b.instanceIds(workerId)).reservations().get(0).instances().get(0);
            assertNull(worker.iamInstanceProfile(), "a worker has no role, so no job can use AWS credentials");
            assertEquals(1, worker.metadataOptions().httpPutResponseHopLimit());
            String workerSg = worker.securityGroups().get(0).groupId();

            String managerId = group(asg, STACK + "-runners").instances().get(0).instanceId();
            Instance managerInstance = ec2.describeInstances(b -> b.instanceIds(managerId)).reservations().get(0).instances().get(0);
            String managerSg = managerInstance.securityGroups().get(0).groupId();
            SecurityGroup sg = ec2.describeSecurityGroups(b -> b.groupIds(workerSg)).securityGroups().get(0);
            assertEquals(1, sg.ipPermissions().size(), sg.ipPermissions().toString());
            IpPermission ssh = sg.ipPermissions().get(0);
            assertEquals(List.of("tcp", 22, 22), List.of(ssh.ipProtocol(), ssh.fromPort(), ssh.toPort()));
            assertTrue(ssh.ipRanges().isEmpty() && ssh.ipv6Ranges().isEmpty(), "no address may reach the workers");
            assertEquals(List.of(managerSg), ssh.userIdGroupPairs().stream().map(p -> p.groupId()).toList());
            assertTrue(ec2.describeSecurityGroups(b -> b.groupIds(managerSg)).securityGroups().get(0).ipPermissions().isEmpty(),
                    "nothing reaches the manager");
        }

        TestContext.Result status = ctx.run(args("status", "--stack-name", STACK));
        assertEquals(0, status.code(), status.all());
        assertTrue(status.out().contains("group " + STACK + "-runners: desired 1"), status.out());
        assertTrue(status.out().contains("workers " + STACK + "-workers: desired 1, in service 1 (min 0, max 100;"), status.out());
        TestContext.Result json = ctx.run(args("status", "--stack-name", STACK, "--output", "json"));
        assertEquals(0, json.code(), json.all());
        assertTrue(json.out().contains("\"workers\" : {") && json.out().contains("\"name\" : \"" + STACK + "-workers\""), json.out());

        TestContext.Result destroyed = ctx.run(args("destroy", "--stack-name", STACK, "--yes"));
        assertEquals(0, destroyed.code(), destroyed.all());
        assertTrue(destroyed.out().contains("DELETE_COMPLETE"), destroyed.out());
        // moto deletes a group with protected instances anyway; CloudFormation would wait on them
        assertTrue(destroyed.all().contains("worker group " + STACK + "-workers: scale-in protection off (1 instances)"), destroyed.all());
    }

    static AutoScalingGroup group(AutoScalingClient asg, String name) {
        List<AutoScalingGroup> groups = asg.describeAutoScalingGroups(b -> b.autoScalingGroupNames(name)).autoScalingGroups();
        assertEquals(1, groups.size(), name);
        return groups.get(0);
    }

    static AutoScalingGroup waitForInstances(AutoScalingClient asg, String name, int count) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        AutoScalingGroup g = group(asg, name);
        while (g.instances().size() < count && System.nanoTime() < end) {
            Thread.sleep(200);
            g = group(asg, name);
        }
        assertEquals(count, g.instances().size(), "instances of " + name);
        return g;
    }
}
