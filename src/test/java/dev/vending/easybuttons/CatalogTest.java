package dev.vending.easybuttons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.vending.cfn.TemplateFormat;
import dev.vending.cli.CliRun;
import dev.vending.lint.CfnLint;
import dev.vending.testing.CfnEvaluator;

/** The Service Catalog template, evaluated as CloudFormation would create it. */
class CatalogTest {
    static final String BASE = "https://buttons.s3.eu-west-1.amazonaws.com/vending";
    static final String ACCOUNT = "111122223333";
    static final List<String> PRINCIPALS = List.of("arn:aws:iam::111122223333:role/Developers", "arn:aws:iam::111122223333:group/Platform");

    static String yaml(List<String> principals) {
        return TemplateFormat.YAML.render(Catalog.build(BASE, principals));
    }

    static CfnEvaluator.Evaluated evaluate(String text) {
        return CfnEvaluator.fromText(text).accountId(ACCOUNT).region("eu-west-1").stackName("vending-catalog").evaluate();
    }

    @Test
    void oneProductPerEasyButtonEachLoadingItsPublishedTemplateIntoThePortfolioWithTheLaunchRole() throws Exception {
        String text = yaml(PRINCIPALS);
        CfnEvaluator.Evaluated e = evaluate(text);
        List<String> products = e.ofType("AWS::ServiceCatalog::CloudFormationProduct");
        assertEquals(Scenarios.all().size(), products.size());
        Set<Object> urls = new HashSet<>();
        for (String p : products) {
            @SuppressWarnings("unchecked")
            Map<String, Object> artifact = ((List<Map<String, Object>>) e.properties(p).get("ProvisioningArtifactParameters")).get(0);
            assertEquals("CLOUD_FORMATION_TEMPLATE", artifact.get("Type"));
            urls.add(((Map<?, ?>) artifact.get("Info")).get("LoadTemplateFromURL"));
        }
        Set<Object> expected = new HashSet<>();
        Scenarios.all().forEach(s -> expected.add(BASE + "/" + s.templateFile()));
        assertEquals(expected, urls);

        JsonNode raw = new ObjectMapper(new YAMLFactory()).readTree(text).get("Resources");
        Set<Object> associated = new HashSet<>();
        for (String a : e.ofType("AWS::ServiceCatalog::PortfolioProductAssociation")) {
            assertEquals("{Ref:Portfolio}", e.properties(a).get("PortfolioId"));
            associated.add(e.properties(a).get("ProductId"));
        }
        Set<Object> constrained = new HashSet<>();
        for (String c : e.ofType("AWS::ServiceCatalog::LaunchRoleConstraint")) {
            assertEquals("{Ref:Portfolio}", e.properties(c).get("PortfolioId"));
            assertEquals("{GetAtt:LaunchRole.Arn}", e.properties(c).get("RoleArn"));
            constrained.add(e.properties(c).get("ProductId"));
            // Service Catalog rejects a launch constraint before the product is in the portfolio
            String dependsOn = raw.get(c).get("DependsOn").get(0).asText();
            assertEquals("AWS::ServiceCatalog::PortfolioProductAssociation", e.type(dependsOn));
            assertEquals(e.properties(c).get("ProductId"), e.properties(dependsOn).get("ProductId"));
        }
        Set<Object> all = new HashSet<>();
        products.forEach(p -> all.add("{Ref:" + p + "}"));
        assertEquals(all, associated);
        assertEquals(all, constrained);

        List<Object> principals = new ArrayList<>();
        for (String a : e.ofType("AWS::ServiceCatalog::PortfolioPrincipalAssociation")) {
            assertEquals("IAM", e.properties(a).get("PrincipalType"));
            principals.add(e.properties(a).get("PrincipalARN"));
        }
        assertEquals(PRINCIPALS, principals);
    }

    @Test
    void withoutPrincipalsTheTemplateAsksForOneAndRefusesWhatIsNoArn() {
        String text = yaml(List.of());
        CfnEvaluator.Evaluated e = CfnEvaluator.fromText(text).accountId(ACCOUNT).parameter(Catalog.P_PRINCIPAL, PRINCIPALS.get(0)).evaluate();
        List<String> associations = e.ofType("AWS::ServiceCatalog::PortfolioPrincipalAssociation");
        assertEquals(1, associations.size());
        assertEquals(PRINCIPALS.get(0), e.properties(associations.get(0)).get("PrincipalARN"));
        assertThrows(CfnEvaluator.Rejected.class, () -> CfnEvaluator.fromText(text).parameter(Catalog.P_PRINCIPAL, "Developers").evaluate());
        assertThrows(CfnEvaluator.Rejected.class, () -> CfnEvaluator.fromText(text).evaluate(), "PrincipalArn has no default");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> statements(CfnEvaluator.Evaluated e) {
        Map<String, Object> role = e.properties("LaunchRole");
        Map<String, Object> trust = (Map<String, Object>) role.get("AssumeRolePolicyDocument");
        Map<String, Object> only = ((List<Map<String, Object>>) trust.get("Statement")).get(0);
        assertEquals(Map.of("Service", "servicecatalog.amazonaws.com"), only.get("Principal"));
        Map<String, Object> policy = ((List<Map<String, Object>>) role.get("Policies")).get(0);
        return (List<Map<String, Object>>) ((Map<String, Object>) policy.get("PolicyDocument")).get("Statement");
    }

    static List<String> list(Object v) {
        return v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(v));
    }

    @Test
    void launchRoleMayCreateWhatAFleetStackHoldsScopedToServiceCatalogsStacks() {
        List<Map<String, Object>> statements = statements(evaluate(yaml(PRINCIPALS)));
        Map<String, List<String>> resourcesOfAction = new java.util.HashMap<>();
        for (Map<String, Object> s : statements) {
            assertEquals("Allow", s.get("Effect"));
            for (String a : list(s.get("Action"))) {
                assertFalse(a.contains("*"), "no wildcard actions: " + a);
                resourcesOfAction.computeIfAbsent(a, k -> new ArrayList<>()).addAll(list(s.get("Resource")));
            }
        }
        // what creating each resource type of a fleet stack calls
        Map<String, String> createdBy = Map.ofEntries(Map.entry("AWS::AutoScaling::ScalingPolicy", "autoscaling:PutScalingPolicy"),
                Map.entry("AWS::AutoScaling::AutoScalingGroup", "autoscaling:CreateAutoScalingGroup"),
                Map.entry("AWS::AutoScaling::ScheduledAction", "autoscaling:PutScheduledUpdateGroupAction"),
                Map.entry("AWS::EC2::LaunchTemplate", "ec2:CreateLaunchTemplate"), Map.entry("AWS::EC2::SecurityGroup", "ec2:CreateSecurityGroup"),
                Map.entry("AWS::IAM::Role", "iam:CreateRole"), Map.entry("AWS::IAM::InstanceProfile", "iam:CreateInstanceProfile"),
                Map.entry("AWS::Logs::LogGroup", "logs:CreateLogGroup"), Map.entry("AWS::S3::Bucket", "s3:CreateBucket"),
                Map.entry("AWS::S3::BucketPolicy", "s3:PutBucketPolicy"), Map.entry("AWS::SecretsManager::Secret", "secretsmanager:CreateSecret"),
                Map.entry("AWS::Lambda::Function", "lambda:CreateFunction"), Map.entry("Custom::EmptyBucketOnDelete", "lambda:InvokeFunction"),
                Map.entry("Custom::DefaultNetwork", "lambda:InvokeFunction"),
                Map.entry("AWS::EC2::SecurityGroupIngress", "ec2:AuthorizeSecurityGroupIngress"),
                Map.entry("AWS::SSM::Parameter", "ssm:PutParameter"));
        for (String type : Catalog.fleetResourceTypes()) {
            assertTrue(createdBy.containsKey(type), "a fleet stack now holds " + type + ": state what creating it needs here");
            assertTrue(resourcesOfAction.containsKey(createdBy.get(type)), type);
        }
        String stacks = "SC-" + ACCOUNT + "-pp-*";
        assertEquals(List.of("arn:aws:iam::" + ACCOUNT + ":role/" + stacks), resourcesOfAction.get("iam:CreateRole"));
        assertEquals(List.of("arn:aws:iam::" + ACCOUNT + ":role/" + stacks), resourcesOfAction.get("iam:PutRolePolicy"));
        assertEquals(List.of("arn:aws:iam::" + ACCOUNT + ":role/" + stacks), resourcesOfAction.get("iam:PassRole").stream().distinct().toList());
        assertEquals(List.of("arn:aws:cloudformation:*:" + ACCOUNT + ":stack/" + stacks + "/*"), resourcesOfAction.get("cloudformation:CreateStack"));
        assertEquals(List.of("arn:aws:s3:::sc-" + ACCOUNT + "-pp-*"), resourcesOfAction.get("s3:CreateBucket"));
        assertEquals(List.of("arn:aws:logs:*:" + ACCOUNT + ":log-group:/vending/" + stacks), resourcesOfAction.get("logs:CreateLogGroup"));
        // the role may not touch other roles, nor read secrets' values or objects other than the tagged product templates
        assertFalse(resourcesOfAction.containsKey("secretsmanager:GetSecretValue"));
        for (Map<String, Object> s : statements) {
            if (list(s.get("Action")).contains("s3:GetObject")) {
                assertEquals(Map.of("StringEquals", Map.of("s3:ExistingObjectTag/servicecatalog:provisioning", "true")), s.get("Condition"));
            }
            if (list(s.get("Action")).contains("iam:PassRole")) {
                // roles pass only to the instances (EC2) and to the two custom resources' functions (Lambda), one service each
                assertTrue(List.of(Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com")),
                        Map.of("StringEquals", Map.of("iam:PassedToService", "lambda.amazonaws.com"))).contains(s.get("Condition")),
                        String.valueOf(s.get("Condition")));
            }
        }
        assertThrows(IllegalStateException.class, () -> Catalog.launchPolicy(Set.of("AWS::EC2::VPC")),
                "a resource type without a grant fails the build");
    }

    @Test
    void lintsClean(@TempDir Path dir) throws Exception {
        Path with = dir.resolve("catalog.yaml");
        Path without = dir.resolve("catalog-parameter.yaml");
        Files.writeString(with, yaml(PRINCIPALS));
        Files.writeString(without, yaml(List.of()));
        CfnLint.Result r = CfnLint.lint(List.of(with, without));
        assertEquals(0, r.exitCode(), r.output());
    }

    @Test
    void commandWritesAtomicallyAndRefusesBadInputWithExitTwo(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("catalog.yaml");
        CliRun ok = CliRun.of("catalog", "--template-base-url", BASE, "--principal-arn", PRINCIPALS.get(0), "-o", out.toString());
        assertEquals(0, ok.exitCode(), ok.err());
        assertEquals(yaml(List.of(PRINCIPALS.get(0))), Files.readString(out));
        Path none = dir.resolve("none.yaml");
        for (String[] bad : List.of(new String[] {"--template-base-url", "https://gitlab.com/vending/vending/-/raw/main/easybuttons"},
                new String[] {"--template-base-url", BASE, "--principal-arn", "Developers"},
                new String[] {"--template-base-url", "http://buttons.s3.amazonaws.com/v"})) {
            List<String> args = new ArrayList<>(List.of("catalog"));
            args.addAll(List.of(bad));
            args.addAll(List.of("-o", none.toString()));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(2, r.exitCode(), String.join(" ", bad) + ": " + r.err());
            assertEquals(1, r.err().strip().split("\n").length, r.err());
            assertFalse(Files.exists(none));
        }
    }
}
