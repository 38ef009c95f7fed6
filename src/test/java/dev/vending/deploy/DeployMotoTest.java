package dev.vending.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

import dev.vending.failure.BadInput;

/** deploy, status and destroy in-process against a real moto server. */
@Tag("slow")
class DeployMotoTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    static final String REGION = "eu-west-1";
    static final String TOKEN = "glrt-MotoTestToken_0123456789";

    TestContext ctx;

    @BeforeEach
    void reset() throws Exception {
        moto.reset();
        ctx = new TestContext();
    }

    String[] args(String command, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of(command, "--region", REGION, "--endpoint-url", moto.endpoint()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    <B extends AwsClientBuilder<B, C>, C> C client(AwsClientBuilder<B, C> b) {
        return b.region(Region.of(REGION)).endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build();
    }

    Map<String, String> stackParameters(CloudFormationClient cfn, String name) {
        Stack s = cfn.describeStacks(b -> b.stackName(name)).stacks().get(0);
        return s.parameters().stream().collect(Collectors.toMap(Parameter::parameterKey, p -> String.valueOf(p.parameterValue())));
    }

    @Test
    void createRedeployUpdateStatusDestroy() {
        try (CloudFormationClient cfn = client(CloudFormationClient.builder());
                SsmClient ssm = client(SsmClient.builder());
                S3Client s3 = client(S3Client.builder().forcePathStyle(true))) {
            ctx.env.put("GITLAB_RUNNER_TOKEN", TOKEN);
            TestContext.Result created = ctx.run(args("deploy", "--yes"));
            assertEquals(0, created.code(), created.all());
            assertTrue(created.out().contains("+ Add      AWS::AutoScaling::AutoScalingGroup"), created.out());
            assertTrue(created.out().contains("CREATE_COMPLETE"), created.out());
            assertTrue(created.out().contains("tags: [computetype-ondemand, os-linux, arch-arm64, glexecutor-docker]"), created.out());
            assertTrue(created.out().contains("https://eu-west-1.console.aws.amazon.com/cloudformation/home?region=eu-west-1#/stacks/stackinfo?stackId=arn%3Aaws%3Acloudformation%3Aeu-west-1%3A"), created.out());
            assertFalse(created.all().contains(TOKEN));

            String param = "/vending/vending-gitlab-runners/runner-token";
            assertEquals(TOKEN, ssm.getParameter(b -> b.name(param).withDecryption(true)).parameter().value());
            Map<String, String> p = stackParameters(cfn, "vending-gitlab-runners");
            assertEquals(param, p.get("RunnerTokenParameterName"));
            assertFalse(p.containsValue(TOKEN));
            assertEquals("1", p.get("RunnerCount"));

            // Same flags again, token not given: the stored one is reused and nothing changes.
            ctx.env.remove("GITLAB_RUNNER_TOKEN");
            TestContext.Result same = ctx.run(args("deploy", "--yes"));
            assertEquals(0, same.code(), same.all());
            assertTrue(same.out().contains("no changes: stack vending-gitlab-runners is up to date"), same.out());
            assertTrue(cfn.listChangeSets(b -> b.stackName("vending-gitlab-runners")).summaries().stream()
                    .noneMatch(c -> "FAILED".equals(c.statusAsString())), "the empty change set was deleted");

            TestContext.Result updated = ctx.run(args("deploy", "--yes", "--runners", "3"));
            assertEquals(0, updated.code(), updated.all());
            assertTrue(updated.out().contains("UPDATE_COMPLETE"), updated.out());
            assertTrue(updated.out().contains("runner token: reusing SSM SecureString " + param), updated.out());
            Map<String, String> p2 = stackParameters(cfn, "vending-gitlab-runners");
            assertEquals("3", p2.get("RunnerCount"));
            assertEquals(p.get("SubnetIds"), p2.get("SubnetIds"), "subnets kept from the stack");

            TestContext.Result status = ctx.run(args("status", "--stack-name", "vending-gitlab-runners"));
            assertEquals(0, status.code(), status.all());
            assertTrue(status.out().contains("stack vending-gitlab-runners: UPDATE_COMPLETE"), status.out());
            assertTrue(status.out().contains("desired 3, in service 3"), status.out());
            assertTrue(status.out().contains("On-Demand"), status.out());

            TestContext.Result json = ctx.run(args("status", "--stack-name", "vending-gitlab-runners", "--output", "json"));
            assertEquals(0, json.code(), json.all());
            assertTrue(json.out().strip().startsWith("{") && json.out().contains("\"inService\" : 3"), json.out());

            // A cache object (and a second version of it) must not stop the deletion.
            String bucket = cfn.listStackResources(b -> b.stackName("vending-gitlab-runners")).stackResourceSummaries().stream()
                    .filter(r -> "AWS::S3::Bucket".equals(r.resourceType())).findFirst().orElseThrow().physicalResourceId();
            s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
            s3.putObject(b -> b.bucket(bucket).key("cache/a.zip"), RequestBody.fromString("one"));
            s3.putObject(b -> b.bucket(bucket).key("cache/a.zip"), RequestBody.fromString("two"));

            TestContext.Result noYes = ctx.run(args("destroy", "--stack-name", "vending-gitlab-runners"));
            assertEquals(2, noYes.code(), noYes.all());
            assertTrue(noYes.err().contains("--yes"), noYes.err());

            TestContext.Result destroyed = ctx.run(args("destroy", "--stack-name", "vending-gitlab-runners", "--yes"));
            assertEquals(0, destroyed.code(), destroyed.all());
            assertTrue(destroyed.out().contains("2 object versions deleted"), destroyed.out());
            assertTrue(destroyed.out().contains("DELETE_COMPLETE"), destroyed.out());
            assertTrue(destroyed.out().contains("deleted runner token parameter " + param), destroyed.out());
            assertThrowsNotFound(ssm, param);

            TestContext.Result again = ctx.run(args("destroy", "--stack-name", "vending-gitlab-runners", "--yes"));
            assertEquals(0, again.code(), again.all());
            assertTrue(again.out().contains("does not exist"), again.out());
        }
    }

    static void assertThrowsNotFound(SsmClient ssm, String name) {
        try {
            ssm.getParameter(b -> b.name(name));
            throw new AssertionError(name + " still exists");
        } catch (ParameterNotFoundException expected) {
            // gone
        }
    }

    @Test
    void missingTokenWithoutTerminalIsBadInput() {
        TestContext.Result r = ctx.run(args("deploy", "--yes", "--name", "notoken"));
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("no runner token: pass --token-file FILE or set GITLAB_RUNNER_TOKEN"), r.err());
        try (CloudFormationClient cfn = client(CloudFormationClient.builder())) {
            assertTrue(cfn.listStacks().stackSummaries().isEmpty(), "nothing created");
        }
    }

    @Test
    void tokenFromFileAndNoTerminalWithoutYes(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        TestContext.Result r = ctx.run(args("deploy", "--token-file", tokenFile.toString(), "--name", "file"));
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("--yes: no terminal to confirm on"), r.err());
        try (SsmClient ssm = client(SsmClient.builder())) {
            assertThrowsNotFound(ssm, "/vending/vending-file/runner-token"); // declined before storing anything
        }
    }

    @Test
    void interactiveTokenPromptAndConfirmation() {
        ctx.interactive = true;
        ctx.secret = TOKEN;
        ctx.answer = "n";
        TestContext.Result declined = ctx.run(args("deploy", "--name", "asked"));
        assertEquals(0, declined.code(), declined.all());
        assertTrue(declined.out().contains("cancelled; nothing changed"), declined.all());
        assertFalse(declined.all().contains(TOKEN), "the prompted token is never echoed");
        try (CloudFormationClient cfn = client(CloudFormationClient.builder()); SsmClient ssm = client(SsmClient.builder())) {
            assertTrue(cfn.listStacks().stackSummaries().stream().allMatch(st -> "DELETE_COMPLETE".equals(st.stackStatusAsString())),
                    "declining leaves no stack, not even the REVIEW_IN_PROGRESS one the change set made");
            assertThrowsNotFound(ssm, "/vending/vending-asked/runner-token");
        }

        ctx.answer = "y";
        TestContext.Result accepted = ctx.run(args("deploy", "--name", "asked"));
        assertEquals(0, accepted.code(), accepted.all());
        assertFalse(accepted.all().contains(TOKEN), "the prompted token is never echoed");
        try (CloudFormationClient cfn = client(CloudFormationClient.builder()); SsmClient ssm = client(SsmClient.builder())) {
            assertEquals("CREATE_COMPLETE", cfn.describeStacks(b -> b.stackName("vending-asked")).stacks().get(0).stackStatusAsString());
            assertEquals(TOKEN, ssm.getParameter(b -> b.name("/vending/vending-asked/runner-token").withDecryption(true))
                    .parameter().value());
        }
    }

    @Test
    void ctrlCAtTheConfirmationDeletesWhatThisRunCreated() {
        ctx.env.put("GITLAB_RUNNER_TOKEN", TOKEN);
        ctx.interactive = true;
        ctx.ctrlCAtPrompt = true;
        TestContext.Result create = ctx.run(args("deploy", "--name", "ctrlc"));
        assertEquals(130, create.code(), create.all());
        assertTrue(create.err().contains("interrupted: change set deleted with the empty stack it made; nothing changed"), create.err());
        try (CloudFormationClient cfn = client(CloudFormationClient.builder()); SsmClient ssm = client(SsmClient.builder())) {
            assertTrue(cfn.listStacks().stackSummaries().stream().allMatch(st -> "DELETE_COMPLETE".equals(st.stackStatusAsString())),
                    "no REVIEW_IN_PROGRESS stack left: " + cfn.listStacks().stackSummaries());
            assertThrowsNotFound(ssm, "/vending/vending-ctrlc/runner-token");

            // On an update, the change set goes and the stack stays as it was.
            ctx.ctrlCAtPrompt = false;
            TestContext.Result made = ctx.run(args("deploy", "--name", "ctrlc", "--yes"));
            assertEquals(0, made.code(), made.all());
            ctx.ctrlCAtPrompt = true;
            TestContext.Result update = ctx.run(args("deploy", "--name", "ctrlc", "--runners", "2"));
            assertEquals(130, update.code(), update.all());
            assertTrue(update.err().contains("interrupted: change set deleted; nothing changed"), update.err());
            // (moto lists every stack's change sets, executed ones too)
            assertTrue(cfn.listChangeSets(b -> b.stackName("vending-ctrlc")).summaries().stream()
                    .noneMatch(c -> "vending-ctrlc".equals(c.stackName()) && "AVAILABLE".equals(c.executionStatusAsString())),
                    "change set left behind");
            assertEquals("1", stackParameters(cfn, "vending-ctrlc").get("RunnerCount"));
        }
        assertTrue(ctx.onInterrupt.isEmpty(), "interrupt actions are unregistered after the question");
    }

    @Test
    void previewShowsParameterChanges() {
        ctx.env.put("GITLAB_RUNNER_TOKEN", TOKEN);
        TestContext.Result made = ctx.run(args("deploy", "--name", "params", "--runners", "3", "--yes"));
        assertEquals(0, made.code(), made.all());
        TestContext.Result preview = ctx.run(args("deploy", "--name", "params", "--runners", "5", "--no-execute"));
        assertEquals(0, preview.code(), preview.all());
        assertTrue(preview.out().contains("Parameter changes:"), preview.out());
        assertTrue(preview.out().matches("(?s).*~ RunnerCount\\s+3 -> 5\n.*"), preview.out());
        assertFalse(preview.out().matches("(?s).*~ (SubnetIds|VpcId|ImageId|RunnerTokenParameterName) .*"), "unchanged parameters listed: " + preview.out());
        TestContext.Result json = ctx.run(args("deploy", "--name", "params", "--runners", "5", "--no-execute", "--output", "json"));
        assertTrue(json.out().contains("\"key\" : \"RunnerCount\""), json.out());
        assertTrue(json.out().contains("\"result\" : \"NOT_EXECUTED\""), json.out());
    }

    @Test
    void statusAndDestroyFindTheStackByFleetName() {
        ctx.env.put("GITLAB_RUNNER_TOKEN", TOKEN);
        assertEquals(0, ctx.run(args("deploy", "--name", "byname", "--yes", "--quiet")).code());
        TestContext.Result status = ctx.run(args("status", "--name", "byname"));
        assertEquals(0, status.code(), status.all());
        assertTrue(status.out().contains("stack vending-byname: CREATE_COMPLETE"), status.out());
        TestContext.Result both = ctx.run(args("status", "--name", "byname", "--stack-name", "vending-byname"));
        assertEquals(2, both.code(), both.all());
        assertTrue(both.err().contains("--name: give --name or --stack-name, not both"), both.err());
        TestContext.Result bad = ctx.run(args("destroy", "--name", "no_such!", "--yes"));
        assertEquals(2, bad.code(), bad.all());
        assertTrue(bad.err().contains("--name: invalid fleet name"), bad.err());
        TestContext.Result destroyed = ctx.run(args("destroy", "--name", "byname", "--yes"));
        assertEquals(0, destroyed.code(), destroyed.all());
        assertTrue(destroyed.out().contains("done: stack vending-byname deleted"), destroyed.out());
    }

    @Test
    void quietDropsTheAdviceAndCostLines() {
        ctx.env.put("GITLAB_RUNNER_TOKEN", TOKEN);
        TestContext.Result loud = ctx.run(args("deploy", "--name", "quiet", "--no-execute"));
        assertTrue(loud.err().contains("estimated cost:"), loud.err());
        TestContext.Result quiet = ctx.run(args("deploy", "--name", "quiet", "--no-execute", "--quiet"));
        assertEquals(0, quiet.code(), quiet.all());
        assertFalse(quiet.err().contains("estimated cost:"), quiet.err());
        assertTrue(quiet.out().contains("+ Add      AWS::AutoScaling::AutoScalingGroup"), "the preview stays: " + quiet.out());
    }

    @Test
    void missingDefaultVpcNamesTheFlags() {
        String region = "ap-southeast-2";
        try (Ec2Client ec2 = Ec2Client.builder().region(Region.of(region)).endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build()) {
            String vpc = ec2.describeVpcs(b -> b.filters(Filter.builder().name("isDefault").values("true").build())).vpcs().get(0).vpcId();
            ec2.describeSubnets(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build())).subnets()
                    .forEach(s -> ec2.deleteSubnet(b -> b.subnetId(s.subnetId())));
            ec2.describeInternetGateways(b -> b.filters(Filter.builder().name("attachment.vpc-id").values(vpc).build())).internetGateways()
                    .forEach(g -> {
                        ec2.detachInternetGateway(b -> b.internetGatewayId(g.internetGatewayId()).vpcId(vpc));
                        ec2.deleteInternetGateway(b -> b.internetGatewayId(g.internetGatewayId()));
                    });
            ec2.deleteVpc(b -> b.vpcId(vpc));
        }
        ctx.env.put("GITLAB_RUNNER_TOKEN", TOKEN);
        TestContext.Result r = ctx.run("deploy", "--region", region, "--endpoint-url", moto.endpoint(), "--yes");
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("region ap-southeast-2 has no default VPC; pass --vpc VPC_ID and --subnets"), r.err());
    }

    @Test
    void templateOverInlineLimitGoesThroughS3(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.json");
        String padding = "x".repeat(60_000);
        Files.writeString(big, "{\"Metadata\":{\"Padding\":\"" + padding + "\"},\"Resources\":{\"Logs\":{\"Type\":\"AWS::Logs::LogGroup\"}},"
                + "\"Outputs\":{\"RunnerTags\":{\"Value\":\"a,b\"}}}");
        TestContext.Result refused = ctx.run(args("deploy", "--template-file", big.toString(), "--stack-name", "big", "--yes"));
        assertEquals(2, refused.code(), refused.all());
        assertTrue(refused.err().contains("--s3-bucket: the template is 60"), refused.err());
        assertTrue(refused.err().contains("inline limit; give a bucket to upload it to with --s3-bucket BUCKET"), refused.err());

        try (S3Client s3 = client(S3Client.builder().forcePathStyle(true))) {
            s3.createBucket(b -> b.bucket("templates").createBucketConfiguration(c -> c.locationConstraint(REGION)));
            TestContext.Result ok = ctx.run(args("deploy", "--template-file", big.toString(), "--stack-name", "big", "--yes",
                    "--s3-bucket", "templates"));
            assertEquals(0, ok.code(), ok.all());
            assertTrue(ok.out().contains("uploaded to s3://templates/vending/big/"), ok.out());
            assertTrue(ok.out().contains("CREATE_COMPLETE"), ok.out());
            assertTrue(ok.out().contains("tags: [a, b]"), ok.out());
            assertEquals(1, s3.listObjectsV2(b -> b.bucket("templates")).keyCount());
        }
    }

    @Test
    void templateFileMustBeATemplate(@TempDir Path dir) throws Exception {
        Path notYaml = dir.resolve("bad.yaml");
        Files.writeString(notYaml, "Resources: [unclosed\n  - : :");
        TestContext.Result r = ctx.run(args("deploy", "--template-file", notYaml.toString(), "--stack-name", "x", "--yes"));
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("--template-file: " + notYaml + " is not YAML or JSON"), r.err());

        Path noResources = dir.resolve("empty.yaml");
        Files.writeString(noResources, "AWSTemplateFormatVersion: '2010-09-09'\nDescription: nothing\n");
        r = ctx.run(args("deploy", "--template-file", noResources.toString(), "--stack-name", "x", "--yes"));
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("is not a CloudFormation template (no Resources section)"), r.err());

        r = ctx.run(args("deploy", "--template-file", noResources.toString(), "--stack-name", "x", "--runners", "2"));
        assertEquals(2, r.code(), r.all());
        assertTrue(r.err().contains("cannot be combined with fleet options (--runners)"), r.err());
    }

    @Test
    void generatedTemplateFileIsDeployable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fleet.json");
        assertEquals(0, ctx.run("generate", "--format", "json", "--name", "fromfile", "-o", file.toString()).code());
        ctx.env.put("GITLAB_RUNNER_TOKEN", TOKEN);
        String vpc;
        try (Ec2Client ec2 = client(Ec2Client.builder())) {
            vpc = ec2.describeVpcs(b -> b.filters(Filter.builder().name("isDefault").values("true").build())).vpcs().get(0).vpcId();
        }
        TestContext.Result r = ctx.run(args("deploy", "--template-file", file.toString(), "--stack-name", "vending-fromfile", "--yes",
                "--vpc", vpc, "--tags", "team=ci", "--output", "json"));
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().strip().startsWith("{"), r.out());
        assertTrue(r.out().contains("\"result\" : \"SUCCEEDED\""), r.out());
        assertTrue(r.out().contains("\"tokenParameter\" : \"/vending/vending-fromfile/runner-token\""), r.out());
        assertFalse(r.all().contains(TOKEN));
        try (CloudFormationClient cfn = client(CloudFormationClient.builder())) {
            Stack s = cfn.describeStacks(b -> b.stackName("vending-fromfile")).stacks().get(0);
            assertEquals("ci", s.tags().get(0).value());
            assertEquals(vpc, stackParameters(cfn, "vending-fromfile").get("VpcId"));
        }
    }

    @Test
    void withoutVpcDeployPassesTheDefaultVpcAndItsDefaultSubnetsSoTheStackNeedsNoLookup() {
        ctx.env.put("GITLAB_RUNNER_TOKEN", TOKEN);
        String vpc;
        List<String> defaults;
        try (Ec2Client ec2 = client(Ec2Client.builder())) {
            vpc = ec2.describeVpcs(b -> b.filters(Filter.builder().name("isDefault").values("true").build())).vpcs().get(0).vpcId();
            defaults = ec2.describeSubnets(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build())).subnets().stream()
                    .sorted(java.util.Comparator.comparing(software.amazon.awssdk.services.ec2.model.Subnet::availabilityZone))
                    .map(software.amazon.awssdk.services.ec2.model.Subnet::subnetId).toList();
            // a private subnet added to the default VPC is not a default subnet: the template's lookup skips it too
            ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("172.31.200.0/24").availabilityZone(REGION + "a"));
        }
        TestContext.Result r = ctx.run(args("deploy", "--yes", "--name", "defaultnet"));
        assertEquals(0, r.code(), r.all());
        try (CloudFormationClient cfn = client(CloudFormationClient.builder())) {
            Map<String, String> p = stackParameters(cfn, "vending-defaultnet");
            assertEquals(vpc, p.get("VpcId"));
            assertEquals(String.join(",", defaults), ParameterResolver.plainList(p.get("SubnetIds")));
            assertTrue(cfn.listStackResources(b -> b.stackName("vending-defaultnet")).stackResourceSummaries().stream()
                    .noneMatch(x -> x.logicalResourceId().startsWith("DefaultNetwork")), "explicit values: no custom resource");
        }
    }
}
