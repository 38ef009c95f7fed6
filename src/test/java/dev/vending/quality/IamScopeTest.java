package dev.vending.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.vending.cfn.TemplateFormat;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.FleetTemplate;
import dev.vending.fleet.OperatingSystem;
import dev.vending.fleet.SecuritySettings;
import dev.vending.testing.CfnEvaluator;
import dev.vending.testing.CfnEvaluator.Evaluated;

/**
 * No IAM statement in any template the project ships (templates/, easybuttons/) or generates
 * (a random-fleet sweep, -Dvending.sweep=N, seed printed) lets anyone read parameters, secrets or
 * KMS-decrypt beyond the fleet's own token and key, evaluated as CloudFormation would create the
 * stack (both token options, cache on and off), with IAM's own wildcard matching of actions.
 */
class IamScopeTest {
    private static final String ACCOUNT = "123456789012";
    private static final String REGION = "eu-west-1";
    private static final String TOKEN_PARAMETER = "/team/runner-token";

    /** The data-reading actions the issue names, matched against each statement's action patterns. */
    private static final List<String> SENSITIVE = List.of("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
            "ssm:GetParameterHistory", "secretsmanager:GetSecretValue", "kms:Decrypt");

    /**
     * Actions with no resource type in the Service Authorization Reference (ssm:UpdateInstanceInformation;
     * every ssmmessages and ec2messages action), so "*" is the only Resource they take. Written out
     * here, not taken from the production code, so the test checks it.
     */
    private static final Set<String> NO_RESOURCE_TYPES = Set.of("ssm:UpdateInstanceInformation",
            "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel", "ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage",
            "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply",
            // the docker-autoscaler manager's look-ups: List and Read actions with no resource type
            "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "ec2:DescribeInstances",
            // the default-network finder's look-ups (VPC and subnets left empty): List actions with no resource type
            "ec2:DescribeVpcs", "ec2:DescribeSubnets");

    @Test
    void shippedTemplates() throws IOException {
        List<Path> files;
        try (Stream<Path> t = Files.list(Path.of("templates")); Stream<Path> e = Files.list(Path.of("easybuttons"))) {
            files = Stream.concat(t, e).filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 14, "templates found: " + files);
        for (Path f : files) {
            check(f.toString(), Files.readString(f), null);
        }
    }

    @Test
    void randomFleetsAndEveryKeyAndBoundaryShape() {
        long seed = RandomFleets.seed();
        int count = Integer.getInteger("vending.sweep", 150);
        System.out.println("IamScopeTest: " + count + " fleets, seed " + seed + " (replay with -Dvending.seed=" + seed + ")");
        RandomFleets fleets = new RandomFleets(seed);
        for (int i = 0; i < count; i++) {
            RandomFleets.Draw d = fleets.next();
            boolean all = i % 3 == 0 && d.hasFullTemplate();
            check("seed " + seed + " #" + i + (all ? " --all-parameters" : "") + ": " + d.description(),
                    TemplateFormat.JSON.render(FleetTemplate.build(d.spec(), all)), d.spec().security().kmsKeyArn());
        }
        String key = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
        for (OperatingSystem os : OperatingSystem.values()) {
            for (boolean jobsRole : List.of(false, true)) {
                FleetSpec spec = FleetSpec.builder().os(os).security(new SecuritySettings(jobsRole, jobsRole,
                        "arn:aws:iam::" + ACCOUNT + ":policy/boundary", key)).build();
                check(os + " with key", TemplateFormat.JSON.render(FleetTemplate.build(spec)), key);
                check(os + " with key, full", TemplateFormat.JSON.render(FleetTemplate.build(spec, true)), key);
            }
        }
    }

    /** Every token option and cache setting the template accepts. */
    private static void check(String what, String text, String fleetKey) {
        Map<String, Object> params = params(text);
        List<Boolean> caches = params.containsKey("CacheEnabled") ? List.of(true, false) : List.of(false);
        int roles = 0;
        for (boolean ssm : List.of(false, true)) {
            for (boolean cache : caches) {
                Map<String, Object> given = new LinkedHashMap<>();
                // the network given, or (every other shape) left empty: the default-network finder's role then exists
                boolean findNetwork = ssm == cache;
                given.put("VpcId", findNetwork ? "" : "vpc-0123456789abcdef0");
                given.put("SubnetIds", findNetwork ? "" : "subnet-0123456789abcdef0,subnet-0123456789abcdef1");
                given.put("RunnerToken", ssm ? "" : "glrt-secret-value-0123456789");
                given.put("RunnerTokenParameterName", ssm ? TOKEN_PARAMETER : "");
                if (params.containsKey("CacheEnabled")) {
                    given.put("CacheEnabled", Boolean.toString(cache));
                }
                Evaluated e = CfnEvaluator.fromText(text).parameters(given).region(REGION).accountId(ACCOUNT).stackName("runners")
                        .ssm(String.valueOf(((Map<?, ?>) params.get("ImageId")).get("Default")), "ami-0123456789abcdef0").evaluate();
                String where = what + " (token in " + (ssm ? "SSM" : "Secrets Manager") + ", cache " + cache + ")";
                Set<String> tokens = ssm ? Set.of("arn:aws:ssm:" + REGION + ":" + ACCOUNT + ":parameter" + TOKEN_PARAMETER)
                        : Set.of("{Ref:RunnerTokenSecret}");
                assertEquals(!ssm, e.has("RunnerTokenSecret"), where + ": the secret exists exactly when the token is a parameter");
                for (String type : List.of("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")) {
                    for (String id : e.ofType(type)) {
                        roles++;
                        Map<String, Object> p = e.properties(id);
                        // the job role's managed policies are the user's (--job-policy-arn); no other role has any
                        Object managed = id.equals("JobRole") ? null : p.get("ManagedPolicyArns");
                        assertFalse(String.valueOf(managed).contains(":iam::aws:policy/"), where + ": " + id
                                + " has an AWS managed policy (AmazonSSMManagedInstanceCore reads every parameter): " + managed);
                        for (Map<?, ?> st : statements(p)) {
                            checkStatement(where + ": " + id + " " + st.get("Sid"), st, tokens, fleetKey);
                        }
                    }
                }
            }
        }
        assertTrue(roles > 0, what + ": no IAM role found");
    }

    private static void checkStatement(String where, Map<?, ?> st, Set<String> tokens, String fleetKey) {
        if (!"Allow".equals(st.get("Effect"))) {
            return;
        }
        assertFalse(st.containsKey("NotAction") || st.containsKey("NotResource"), where + ": NotAction/NotResource in an Allow");
        List<String> actions = strings(st.get("Action"));
        List<String> resources = strings(st.get("Resource"));
        if (resources.contains("*")) {
            // cloudwatch:PutMetricData has no resource type either; the namespace condition key must scope it
            boolean namespacedMetric = actions.equals(List.of("cloudwatch:PutMetricData"))
                    && String.valueOf(st.get("Condition")).contains("cloudwatch:namespace");
            assertTrue(namespacedMetric || NO_RESOURCE_TYPES.containsAll(actions),
                    where + ": Resource \"*\" for actions AWS lets a policy scope: " + actions);
        }
        for (String sensitive : SENSITIVE) {
            if (actions.stream().noneMatch(a -> iamMatches(a, sensitive))) {
                continue;
            }
            Set<String> allowed = sensitive.startsWith("kms:") ? fleetKey == null ? Set.of() : Set.of(fleetKey)
                    : sensitive.startsWith("ssm:") ? tokens.stream().filter(r -> r.contains(":ssm:")).collect(java.util.stream.Collectors.toSet())
                    : tokens.stream().filter(r -> !r.contains(":ssm:")).collect(java.util.stream.Collectors.toSet());
            for (String r : resources) {
                // the docker-autoscaler manager's setup script: a String parameter the stack writes, no secret in it
                boolean managerSetup = sensitive.startsWith("ssm:") && r.matches("arn:aws:ssm:[a-z0-9-]+:\\d{12}:parameter/vending/[^/]+/manager-setup");
                if (!allowed.contains(r) && !managerSetup) {
                    fail(where + " allows " + sensitive + " on " + r + " (only the fleet's own " + (sensitive.startsWith("kms:")
                            ? "key" : "token") + " may be: " + allowed + ")");
                }
            }
        }
    }

    /** IAM action matching: case-insensitive, '*' any run of characters, '?' one character. */
    static boolean iamMatches(String pattern, String action) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toLowerCase(Locale.ROOT).toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return action.toLowerCase(Locale.ROOT).matches(re.toString());
    }

    @Test
    void iamMatchingIsIamsOwn() {
        assertTrue(iamMatches("ssm:Get*", "ssm:GetParameter"));
        assertTrue(iamMatches("*", "kms:Decrypt"));
        assertTrue(iamMatches("SSM:getparameter?", "ssm:GetParameters"));
        assertFalse(iamMatches("ssm:GetParameter", "ssm:GetParameters"));
        assertFalse(iamMatches("ssmmessages:*", "ssm:GetParameter"));
    }

    private static List<Map<?, ?>> statements(Map<String, Object> props) {
        List<Object> docs = new ArrayList<>();
        if (props.get("PolicyDocument") != null) {
            docs.add(props.get("PolicyDocument"));
        }
        if (props.get("Policies") instanceof List<?> l) {
            l.forEach(p -> docs.add(((Map<?, ?>) p).get("PolicyDocument")));
        }
        List<Map<?, ?>> out = new ArrayList<>();
        for (Object d : docs) {
            Object st = ((Map<?, ?>) d).get("Statement");
            for (Object s : st instanceof List<?> l ? l : List.of(st)) {
                out.add((Map<?, ?>) s);
            }
        }
        return out;
    }

    private static List<String> strings(Object v) {
        List<String> out = new ArrayList<>();
        for (Object o : v instanceof List<?> l ? l : v == null ? List.of() : List.of(v)) {
            assertTrue(o instanceof String, "not evaluated to a string: " + o);
            out.add((String) o);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> params(String text) {
        return (Map<String, Object>) dev.vending.testing.CfnYaml.load(text).get("Parameters");
    }
}
