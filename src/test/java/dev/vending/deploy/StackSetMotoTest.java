package dev.vending.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackInstanceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackSetNotFoundException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * deploy --regions, status --stack-set and destroy --stack-set in-process against moto. What moto 5.2.1
 * does with stack sets (probed with the SDK): instances really create stacks in each region (named
 * "StackSet:NAME", where AWS names them StackSet-NAME-UUID), operations end SUCCEEDED within the call,
 * so there is no RUNNING state to follow; a missing parameter fails CreateStackInstances itself rather
 * than the operation; OU targets create no instances (moto has no organisation behind them);
 * ManagedExecution is accepted and not kept; an instance's stack gets its parameter overrides instead of
 * the stack set's values merged with them (AWS merges), so the stack set's own values are checked on the
 * stack set and the overrides on the instances' stacks. The fleets here have no cache: moto cannot invoke the
 * cache emptier's Lambda of a stack whose name has a colon.
 */
@Tag("slow")
class StackSetMotoTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    static final String ADMIN_REGION = "eu-west-1";
    static final List<String> REGIONS = List.of("us-east-1", "eu-west-1");
    static final String TOKEN = "glrt-StackSetToken_0123456789";
    static final String OWN = "123456789012";
    static final String NAME = "vending-gitlab-runners";
    static final String TOKEN_PARAM = "/vending/" + NAME + "/runner-token";

    TestContext ctx;

    @BeforeEach
    void reset() throws Exception {
        moto.reset();
        ctx = new TestContext();
    }

    String[] args(String command, String... more) {
        List<String> a = new ArrayList<>(List.of(command, "--region", ADMIN_REGION, "--endpoint-url", moto.endpoint()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    <B extends AwsClientBuilder<B, C>, C> C client(AwsClientBuilder<B, C> b, String region) {
        return client(b, region, StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
    }

    <B extends AwsClientBuilder<B, C>, C> C client(AwsClientBuilder<B, C> b, String region, AwsCredentialsProvider credentials) {
        return b.region(Region.of(region)).endpointOverride(URI.create(moto.endpoint())).credentialsProvider(credentials).build();
    }

    /** What AWS's StackSets prerequisites ask for in the administrator account (self-managed permissions). */
    void createStackSetRoles() {
        createStackSetRoles(moto.endpoint());
    }

    static void createStackSetRoles(String endpoint) {
        try (IamClient iam = IamClient.builder().region(Region.of(ADMIN_REGION)).endpointOverride(URI.create(endpoint))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build()) {
            iam.createRole(b -> b.roleName("AWSCloudFormationStackSetAdministrationRole").assumeRolePolicyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudformation.amazonaws.com\"},"
                            + "\"Action\":\"sts:AssumeRole\"}]}"));
            iam.createRole(b -> b.roleName("AWSCloudFormationStackSetExecutionRole").assumeRolePolicyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + OWN + ":root\"},"
                            + "\"Action\":\"sts:AssumeRole\"}]}"));
        }
    }

    /** The region's default VPC reaches its instance: as the stack set's value (first region) or an override (moto keeps only those). */
    static Map<String, String> parameters(Stack s) {
        return s.parameters().stream().collect(Collectors.toMap(Parameter::parameterKey, p -> String.valueOf(p.parameterValue())));
    }

    String defaultVpc(String region) {
        try (Ec2Client ec2 = client(Ec2Client.builder(), region)) {
            return ec2.describeVpcs(b -> b.filters(Filter.builder().name("isDefault").values("true").build())).vpcs().get(0).vpcId();
        }
    }

    @Test
    void twoRegionStackSetDeployStatusDestroy() {
        createStackSetRoles();
        ctx.env.put("GITLAB_RUNNER_TOKEN", TOKEN);
        TestContext.Result deployed = ctx.run(args("deploy", "--regions", String.join(",", REGIONS), "--cache", "none", "--runners", "2", "--yes", "-q"));
        assertEquals(0, deployed.code(), deployed.all());
        assertFalse(deployed.all().contains(TOKEN), "the token is never printed");
        for (String region : REGIONS) {
            assertTrue(deployed.out().lines().anyMatch(l -> l.matches("\\s+" + region + "\\s+" + OWN + "\\s+SUCCEEDED")),
                    "progress per instance: " + deployed.out());
        }
        assertTrue(deployed.out().contains("runner token stored as SSM SecureString " + TOKEN_PARAM + " in 2 account/region(s)"), deployed.out());

        try (CloudFormationClient admin = client(CloudFormationClient.builder(), ADMIN_REGION)) {
            List<StackInstanceSummary> instances = admin.listStackInstances(b -> b.stackSetName(NAME)).summaries();
            assertEquals(REGIONS.stream().sorted().toList(), instances.stream().map(StackInstanceSummary::region).sorted().toList());
            assertTrue(instances.stream().allMatch(i -> "CURRENT".equals(i.statusAsString()) && OWN.equals(i.account())), instances.toString());
            var set = admin.describeStackSet(b -> b.stackSetName(NAME)).stackSet();
            assertEquals("SELF_MANAGED", set.permissionModelAsString());
            Map<String, String> setParams = set.parameters().stream()
                    .collect(Collectors.toMap(Parameter::parameterKey, p -> String.valueOf(p.parameterValue())));
            assertEquals(TOKEN_PARAM, setParams.get("RunnerTokenParameterName"));
            assertEquals("", setParams.get("RunnerToken"));
            assertEquals("2", setParams.get("RunnerCount"));
            assertFalse(setParams.containsValue(TOKEN), "no token in the stack set's parameters");
            for (String region : REGIONS) {
                Map<String, String> overrides = admin.describeStackInstance(b -> b.stackSetName(NAME).stackInstanceAccount(OWN)
                        .stackInstanceRegion(region)).stackInstance().parameterOverrides().stream()
                        .collect(Collectors.toMap(Parameter::parameterKey, p -> String.valueOf(p.parameterValue())));
                // the stack set holds the first region's network; an instance overrides only what differs: the other's
                if (region.equals(REGIONS.get(0))) {
                    assertEquals(Map.of(), overrides, region);
                } else {
                    assertEquals(List.of("SubnetIds", "VpcId"), overrides.keySet().stream().sorted().toList(), region);
                }
            }
        }
        for (String region : REGIONS) {
            try (CloudFormationClient cfn = client(CloudFormationClient.builder(), region);
                    SsmClient ssm = client(SsmClient.builder(), region);
                    AutoScalingClient asg = client(AutoScalingClient.builder(), region)) {
                List<Stack> stacks = cfn.describeStacks().stacks();
                assertEquals(1, stacks.size(), region + ": one stack, the instance's: " + stacks);
                Stack stack = stacks.get(0);
                assertEquals("CREATE_COMPLETE", stack.stackStatusAsString());
                Map<String, String> p = parameters(stack);
                assertFalse(p.containsValue(TOKEN));
                if (!region.equals(REGIONS.get(0))) {
                    assertEquals(defaultVpc(region), p.get("VpcId"), region + ": its own default VPC");
                }
                assertEquals(TOKEN, ssm.getParameter(b -> b.name(TOKEN_PARAM).withDecryption(true)).parameter().value(), region);
                assertEquals(1, asg.describeAutoScalingGroups().autoScalingGroups().size(), region + ": the fleet's group");
            }
        }

        TestContext.Result status = ctx.run(args("status", "--stack-set", "--stack-name", NAME));
        assertEquals(0, status.code(), status.all());
        assertTrue(status.out().contains("stack set " + NAME + " (SELF_MANAGED, " + ADMIN_REGION + "): ACTIVE"), status.out());
        for (String region : REGIONS) {
            assertTrue(status.out().lines().anyMatch(l -> l.matches("\\s+" + region + "\\s+" + OWN + "\\s+CURRENT.*")), status.out());
        }
        TestContext.Result json = ctx.run(args("status", "--stack-set", "--stack-name", NAME, "--output", "json"));
        assertEquals(0, json.code(), json.all());
        assertTrue(json.out().contains("\"command\" : \"status\"") && json.out().contains("\"region\" : \"us-east-1\""), json.out());

        // Again with the same flags and no token: nothing new to create, the stack set is updated in place.
        ctx.env.remove("GITLAB_RUNNER_TOKEN");
        TestContext.Result again = ctx.run(args("deploy", "--regions", String.join(",", REGIONS), "--cache", "none", "--runners", "2", "--yes", "-q"));
        assertEquals(0, again.code(), again.all());
        assertTrue(again.out().contains("runner token: reusing SSM SecureString " + TOKEN_PARAM), again.out());
        assertTrue(again.out().contains("updating the 2 existing instance(s)"), again.out());
        assertFalse(again.out().contains("new overrides"), "unchanged overrides are left alone: " + again.out());

        // A region's parameter changes: that instance's overrides are updated, the other's are not.
        TestContext.Result changed = ctx.run(args("deploy", "--regions", String.join(",", REGIONS), "--cache", "none", "--runners", "2", "--yes",
                "-q", "--region-parameter", "eu-west-1:MaxRunners=5"));
        assertEquals(0, changed.code(), changed.all());
        assertTrue(changed.out().contains("new overrides for eu-west-1 of " + OWN), changed.out());
        try (CloudFormationClient admin = client(CloudFormationClient.builder(), ADMIN_REGION)) {
            Map<String, String> euOverrides = admin.describeStackInstance(b -> b.stackSetName(NAME).stackInstanceAccount(OWN)
                    .stackInstanceRegion("eu-west-1")).stackInstance().parameterOverrides().stream()
                    .collect(Collectors.toMap(Parameter::parameterKey, p -> String.valueOf(p.parameterValue())));
            assertEquals("5", euOverrides.get("MaxRunners"));
            assertEquals(defaultVpc("eu-west-1"), euOverrides.get("VpcId"), "the full list of overrides, not only the new one");
        }

        TestContext.Result destroyed = ctx.run(args("destroy", "--stack-set", "--stack-name", NAME, "--yes"));
        assertEquals(0, destroyed.code(), destroyed.all());
        assertTrue(destroyed.out().contains("deleted stack set " + NAME), destroyed.out());
        assertTrue(destroyed.out().contains("deleted runner token parameter " + TOKEN_PARAM + " in 2 account/region(s)"), destroyed.out());
        try (CloudFormationClient admin = client(CloudFormationClient.builder(), ADMIN_REGION)) {
            try {
                admin.describeStackSet(b -> b.stackSetName(NAME));
                throw new AssertionError("stack set still there");
            } catch (StackSetNotFoundException expected) {
                // gone
            }
        }
        for (String region : REGIONS) {
            try (CloudFormationClient cfn = client(CloudFormationClient.builder(), region); SsmClient ssm = client(SsmClient.builder(), region)) {
                assertTrue(cfn.describeStacks().stacks().isEmpty(), region + ": the instance's stack is deleted");
                DeployMotoTest.assertThrowsNotFound(ssm, TOKEN_PARAM);
            }
        }
        TestContext.Result gone = ctx.run(args("destroy", "--stack-set", "--stack-name", NAME, "--yes"));
        assertEquals(0, gone.code(), gone.all());
        assertTrue(gone.out().contains("does not exist"), gone.out());
    }

    @Test
    void secondAccountGetsItsTokenThroughTheExecutionRole() {
        createStackSetRoles();
        ctx.env.put("GITLAB_RUNNER_TOKEN", TOKEN);
        String other = "111111111111";
        TestContext.Result r = ctx.run(args("deploy", "--regions", "eu-west-1", "--accounts", OWN + "," + other, "--cache", "none",
                "--name", "two", "--yes", "-q"));
        assertEquals(0, r.code(), r.all());
        try (CloudFormationClient admin = client(CloudFormationClient.builder(), ADMIN_REGION); StsClient sts = client(StsClient.builder(), ADMIN_REGION)) {
            assertEquals(List.of(other, OWN), admin.listStackInstances(b -> b.stackSetName("vending-two")).summaries().stream()
                    .map(StackInstanceSummary::account).sorted().toList());
            var c = sts.assumeRole(b -> b.roleArn("arn:aws:iam::" + other + ":role/AWSCloudFormationStackSetExecutionRole")
                    .roleSessionName("test")).credentials();
            try (SsmClient ssm = client(SsmClient.builder(), "eu-west-1", StaticCredentialsProvider.create(
                    AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken())))) {
                assertEquals(TOKEN, ssm.getParameter(b -> b.name("/vending/vending-two/runner-token").withDecryption(true)).parameter().value(),
                        "stored in the other account");
                TestContext.Result destroyed = ctx.run(args("destroy", "--stack-set", "--name", "two", "--yes"));
                assertEquals(0, destroyed.code(), destroyed.all());
                assertTrue(destroyed.out().contains("in 2 account/region(s)"), destroyed.out());
                DeployMotoTest.assertThrowsNotFound(ssm, "/vending/vending-two/runner-token");
            }
        }
    }

    @Test
    void missingAdministrationRoleFailsNamingIt() {
        ctx.env.put("GITLAB_RUNNER_TOKEN", TOKEN);
        TestContext.Result r = ctx.run(args("deploy", "--regions", "us-east-1,eu-west-1", "--cache", "none", "--yes", "-q"));
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("IAM role AWSCloudFormationStackSetAdministrationRole") && r.err().contains("stacksets-prereqs-self-managed"),
                r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertNothingCreated();
    }

    @Test
    void badInputExitsTwoBeforeAnyAwsCall() {
        createStackSetRoles();
        ctx.env.put("GITLAB_RUNNER_TOKEN", TOKEN);
        String[][] cases = {
            {"--regions", "us-east-1,moon-east-1"},
            {"--regions", "us-east-1", "--accounts", OWN, "--org-units", "ou-abcd-12345678"},
            {"--regions", "us-east-1", "--accounts", "12345"},
            {"--regions", "us-east-1", "--org-units", "ou-abcd-12345678"},
            {"--regions", "us-east-1,eu-west-1", "--vpc", "vpc-0abc"},
            {"--regions", "us-east-1", "--no-execute"},
            {"--regions", "us-east-1", "--region-parameter", "eu-west-1:VpcId=vpc-1"},
            {"--regions", "us-east-1", "--region-parameter", "us-east-1:NoSuchParameter=x"},
            {"--regions", "us-east-1", "--region-parameter", "us-east-1:RunnerToken=glrt-x"},
            {"--region-parameter", "us-east-1:VpcId=vpc-1"},
            {"--accounts", OWN},
        };
        for (String[] c : cases) {
            List<String> a = new ArrayList<>(List.of("--cache", "none", "--yes", "-q"));
            a.addAll(List.of(c));
            TestContext.Result r = ctx.run(args("deploy", a.toArray(String[]::new)));
            assertEquals(2, r.code(), String.join(" ", c) + ": " + r.all());
            assertEquals(1, r.err().strip().lines().count(), String.join(" ", c) + ": one line: " + r.err());
        }
        assertNothingCreated();
    }

    void assertNothingCreated() {
        try (CloudFormationClient admin = client(CloudFormationClient.builder(), ADMIN_REGION)) {
            assertTrue(admin.listStackSets().summaries().isEmpty(), "no stack set");
        }
        for (String region : REGIONS) {
            try (SsmClient ssm = client(SsmClient.builder(), region)) {
                DeployMotoTest.assertThrowsNotFound(ssm, TOKEN_PARAM);
            }
        }
    }
}
