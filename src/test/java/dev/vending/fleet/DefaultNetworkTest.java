package dev.vending.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.vending.cfn.TemplateFormat;
import dev.vending.testing.CfnEvaluator;
import dev.vending.testing.CfnEvaluator.Evaluated;
import dev.vending.testing.CfnYaml;

/**
 * VpcId and SubnetIds are optional: given, they reach the security groups and Auto Scaling groups
 * and no lookup exists; left empty, a custom resource finds the default VPC and its default subnets
 * and its attributes are used instead; one without the other is refused by a rule, as the console
 * refuses it before creating anything. Every fleet shape: plain, full template, docker-autoscaler.
 * The inline Python runs for real against moto's EC2.
 *
 * <p>What moto cannot show: CloudFormation invoking the function and reading its answer from the
 * pre-signed URL (the real custom resource round trip, and that the FAILED Reason appears in the stack
 * events as "Received response status [FAILED] from custom resource. Message returned: ..."),
 * Fn::GetAtt of the answer's Data and Fn::Split of it (modelled here by CfnEvaluator), the
 * python3.13 Lambda runtime (the code runs under the local python3), IAM enforcement of the role
 * (moto allows everything by default), and how the console renders the optional fields.
 */
class DefaultNetworkTest {
    private static final String VPC = "vpc-0123456789abcdef0";
    private static final String SUBNETS = "subnet-0123456789abcdef0,subnet-0fedcba9876543210";

    @TempDir
    Path dir;

    /** A template of each shape, with the security groups and Auto Scaling groups it has. */
    private record Shape(String name, String yaml, List<String> securityGroups, List<String> groups) {
    }

    private static List<Shape> shapes() {
        FleetSpec plain = FleetSpec.builder().build();
        FleetSpec autoscaler = FleetSpec.builder().executor(Executor.DOCKER_AUTOSCALER).max(10).build();
        FleetSpec windows = FleetSpec.builder().os(OperatingSystem.WINDOWS).build();
        return List.of(
                new Shape("linux", yaml(plain, false), List.of("RunnerSecurityGroup"), List.of(FleetTemplate.ASG)),
                new Shape("linux full", yaml(plain, true), List.of("RunnerSecurityGroup"), List.of(FleetTemplate.ASG)),
                new Shape("windows full", yaml(windows, true), List.of("RunnerSecurityGroup"), List.of(FleetTemplate.ASG)),
                new Shape("docker-autoscaler", yaml(autoscaler, false), List.of("RunnerSecurityGroup", "WorkerSecurityGroup"),
                        List.of(FleetTemplate.ASG, FleetTemplate.WORKER_ASG)));
    }

    private static String yaml(FleetSpec spec, boolean all) {
        return TemplateFormat.YAML.render(FleetTemplate.build(spec, all));
    }

    private static Evaluated evaluate(String yaml, Map<String, String> network) {
        Map<String, Object> p = new LinkedHashMap<>(network);
        p.put(FleetTemplate.P_RUNNER_TOKEN, "glrt-x");
        return CfnEvaluator.fromText(yaml).parameters(p).region("eu-west-1").evaluate();
    }

    @Test
    void givenVpcAndSubnetsReachTheSecurityGroupsAndGroupsAndNoLookupIsCreated() {
        for (Shape s : shapes()) {
            Evaluated e = evaluate(s.yaml(), Map.of(FleetTemplate.P_VPC, VPC, FleetTemplate.P_SUBNETS, SUBNETS));
            assertFalse(e.condition(DefaultNetwork.CONDITION), s.name());
            for (String id : List.of(DefaultNetwork.RESOURCE, DefaultNetwork.FUNCTION, DefaultNetwork.ROLE)) {
                assertFalse(e.has(id), s.name() + ": " + id + " exists although the network is given");
            }
            for (String sg : s.securityGroups()) {
                assertEquals(VPC, e.properties(sg).get("VpcId"), s.name() + " " + sg);
            }
            for (String group : s.groups()) {
                assertEquals(List.of("subnet-0123456789abcdef0", "subnet-0fedcba9876543210"),
                        e.properties(group).get("VPCZoneIdentifier"), s.name() + " " + group);
            }
        }
    }

    @Test
    void leftEmptyTheCustomResourceFindsTheNetworkAndItsAttributesAreUsed() {
        for (Shape s : shapes()) {
            // empty is the default: the Quick Create form needs only the token
            for (Map<String, String> network : List.of(Map.<String, String>of(),
                    Map.of(FleetTemplate.P_VPC, "", FleetTemplate.P_SUBNETS, ""))) {
                Evaluated e = evaluate(s.yaml(), network);
                assertTrue(e.condition(DefaultNetwork.CONDITION), s.name());
                Map<String, Object> custom = e.properties(DefaultNetwork.RESOURCE);
                assertEquals("Custom::DefaultNetwork", e.type(DefaultNetwork.RESOURCE));
                assertEquals("{GetAtt:" + DefaultNetwork.FUNCTION + ".Arn}", custom.get("ServiceToken"));
                // a function killed at its timeout never answers: without ServiceTimeout CloudFormation waits 3600 s
                assertEquals(120L, ((Number) custom.get("ServiceTimeout")).longValue(), "CloudFormation fails the lookup after 2 minutes, not an hour");
                for (String sg : s.securityGroups()) {
                    assertEquals("{GetAtt:DefaultNetwork.VpcId}", e.properties(sg).get("VpcId"), s.name() + " " + sg);
                }
                for (String group : s.groups()) {
                    // the answer's SubnetIds is "subnet-a,subnet-b": split into the list the group takes
                    assertEquals(List.of("{GetAtt:DefaultNetwork.SubnetIds}"), e.properties(group).get("VPCZoneIdentifier"),
                            s.name() + " " + group);
                }
                Map<String, Object> fn = e.properties(DefaultNetwork.FUNCTION);
                assertEquals(CacheEmptier.RUNTIME, fn.get("Runtime"));
                assertEquals("{GetAtt:" + DefaultNetwork.ROLE + ".Arn}", fn.get("Role"));
                assertEquals("{Ref:RunnerLogGroup}", CfnYaml.at(fn, "LoggingConfig", "LogGroup"));
                String code = CfnYaml.at(fn, "Code", "ZipFile");
                assertTrue(code.length() <= 4096, "inline code limit: " + code.length());
            }
        }
    }

    @Test
    void theFunctionsRoleMayDescribeTheNetworkAndWriteItsLogsOnly() {
        Evaluated e = evaluate(shapes().get(0).yaml(), Map.of());
        Map<String, Object> role = e.properties(DefaultNetwork.ROLE);
        assertEquals(List.of(Map.of("Effect", "Allow", "Principal", Map.of("Service", "lambda.amazonaws.com"), "Action", "sts:AssumeRole")),
                CfnYaml.at(role, "AssumeRolePolicyDocument", "Statement"));
        assertFalse(role.containsKey("ManagedPolicyArns"));
        List<Map<String, Object>> policies = CfnYaml.at(role, "Policies");
        assertEquals(1, policies.size());
        List<Map<String, Object>> statements = CfnYaml.at(policies.get(0), "PolicyDocument", "Statement");
        Map<String, Object> grants = new LinkedHashMap<>();
        for (Map<String, Object> st : statements) {
            assertEquals("Allow", st.get("Effect"));
            assertFalse(st.containsKey("Condition"));
            grants.put(String.valueOf(st.get("Action")), st.get("Resource"));
        }
        // DescribeVpcs and DescribeSubnets have no resource types in the Service Authorization Reference
        assertEquals(Map.of("[ec2:DescribeVpcs, ec2:DescribeSubnets]", "*",
                "[logs:CreateLogStream, logs:PutLogEvents]", "{GetAtt:RunnerLogGroup.Arn}"), grants);
    }

    @Test
    void oneWithoutTheOtherIsRefusedBeforeAnythingIsCreated() {
        for (Shape s : shapes()) {
            CfnEvaluator.Rejected vpcOnly = assertThrows(CfnEvaluator.Rejected.class,
                    () -> evaluate(s.yaml(), Map.of(FleetTemplate.P_VPC, VPC)), s.name());
            assertTrue(vpcOnly.getMessage().contains("VPC given without subnets"), vpcOnly.getMessage());
            CfnEvaluator.Rejected subnetsOnly = assertThrows(CfnEvaluator.Rejected.class,
                    () -> evaluate(s.yaml(), Map.of(FleetTemplate.P_SUBNETS, SUBNETS)), s.name());
            assertTrue(subnetsOnly.getMessage().contains("Subnets given without their VPC"), subnetsOnly.getMessage());
        }
    }

    @Test
    void malformedIdsAreRefusedByThePatterns() {
        String yaml = shapes().get(1).yaml();
        for (Map<String, String> bad : List.of(
                Map.of(FleetTemplate.P_VPC, "vpc-XYZ", FleetTemplate.P_SUBNETS, SUBNETS),
                Map.of(FleetTemplate.P_VPC, " " + VPC, FleetTemplate.P_SUBNETS, SUBNETS),
                // a space or an empty member would reach the group as a subnet id of its own
                Map.of(FleetTemplate.P_VPC, VPC, FleetTemplate.P_SUBNETS, "subnet-0123456789abcdef0, subnet-0fedcba9876543210"),
                Map.of(FleetTemplate.P_VPC, VPC, FleetTemplate.P_SUBNETS, "subnet-0123456789abcdef0,"),
                Map.of(FleetTemplate.P_VPC, VPC, FleetTemplate.P_SUBNETS, ",subnet-0123456789abcdef0"),
                Map.of(FleetTemplate.P_VPC, VPC, FleetTemplate.P_SUBNETS, "sg-0123456789abcdef0"))) {
            assertThrows(CfnEvaluator.Rejected.class, () -> evaluate(yaml, bad), bad.toString());
        }
        Evaluated one = evaluate(yaml, Map.of(FleetTemplate.P_VPC, "vpc-1a2b", FleetTemplate.P_SUBNETS, "subnet-1a2b"));
        assertEquals(List.of("subnet-1a2b"), one.properties(FleetTemplate.ASG).get("VPCZoneIdentifier"));
    }

    @Test
    @Tag("slow")
    void theInlineCodeFindsTheDefaultVpcAndItsDefaultSubnetsOrFailsSayingWhatToChoose() throws Exception {
        String code = CfnYaml.at(evaluate(shapes().get(0).yaml(), Map.of()).properties(DefaultNetwork.FUNCTION), "Code", "ZipFile");
        JsonNode r = InlineLambda.run(code, "default_network_moto.py", dir);
        String vpc = r.get("defaultVpc").asText();
        List<String> defaultSubnets = new java.util.ArrayList<>();
        r.get("defaultSubnets").forEach(n -> defaultSubnets.add(n.asText()));
        assertEquals(3, defaultSubnets.size(), "moto's default VPC has a default subnet per zone: " + r.get("defaultSubnetZones"));
        JsonNode answers = r.get("responses");
        assertEquals(7, answers.size(), "every request is answered: " + answers);

        JsonNode created = answers.get(0);
        assertEquals("SUCCESS", created.get("Status").asText());
        assertEquals(vpc, created.get("Data").get("VpcId").asText());
        // by zone; neither the private subnet added to the default VPC nor another VPC's subnet
        assertEquals(String.join(",", defaultSubnets), created.get("Data").get("SubnetIds").asText());
        assertFalse(created.toString().contains(r.get("privateSubnet").asText()));
        assertFalse(created.toString().contains(r.get("otherSubnet").asText()));
        assertEquals(vpc, created.get("PhysicalResourceId").asText());
        assertEquals("r-Create", created.get("RequestId").asText());
        assertEquals("DefaultNetwork", created.get("LogicalResourceId").asText());
        assertEquals(created.get("Data"), answers.get(1).get("Data"), "an update finds the same network");
        assertEquals(vpc, answers.get(1).get("PhysicalResourceId").asText(), "same id: no replacement");
        assertEquals("SUCCESS", answers.get(2).get("Status").asText(), "delete has nothing to do");
        assertEquals(vpc, answers.get(2).get("PhysicalResourceId").asText());

        JsonNode noDefaultSubnets = answers.get(3);
        assertEquals("FAILED", noDefaultSubnets.get("Status").asText());
        assertEquals("the default VPC " + vpc + " has no default subnets: choose a VPC and subnets (parameters VpcId and SubnetIds)",
                noDefaultSubnets.get("Reason").asText());
        assertEquals(0, r.get("defaultVpcsLeft").asInt());
        JsonNode noDefaultVpc = answers.get(4);
        assertEquals("FAILED", noDefaultVpc.get("Status").asText());
        assertEquals("region eu-central-1 has no default VPC: choose a VPC and subnets (parameters VpcId and SubnetIds)",
                noDefaultVpc.get("Reason").asText());
        assertFalse(noDefaultVpc.get("PhysicalResourceId").asText().isEmpty(), "CloudFormation needs an id even on failure");
        assertEquals("SUCCESS", answers.get(5).get("Status").asText(), "the rollback's delete succeeds, so the stack rolls back cleanly");
        assertEquals(noDefaultVpc.get("PhysicalResourceId"), answers.get(5).get("PhysicalResourceId"));
        JsonNode refused = answers.get(6);
        assertEquals("FAILED", refused.get("Status").asText());
        assertTrue(refused.get("Reason").asText().contains("UnauthorizedOperation"), refused.toString());
    }
}
