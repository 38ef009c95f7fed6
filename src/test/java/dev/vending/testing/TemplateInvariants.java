package dev.vending.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Security and size invariants every generated template must satisfy, checked on the parsed YAML. */
public final class TemplateInvariants {
    private TemplateInvariants() {
    }

    public static void check(String yaml) {
        assertTrue(yaml.getBytes(StandardCharsets.UTF_8).length < 51_200, "template over the inline limit");
        Map<String, Object> doc = CfnYaml.load(yaml);
        Map<String, Object> resources = CfnYaml.at(doc, "Resources");
        int launchTemplates = 0;
        for (Map.Entry<String, Object> e : resources.entrySet()) {
            String type = CfnYaml.at(e.getValue(), "Type");
            Map<String, Object> props = e.getValue() instanceof Map<?, ?> m && m.get("Properties") instanceof Map<?, ?>
                    ? CfnYaml.at(e.getValue(), "Properties") : Map.of();
            switch (type) {
                case "AWS::EC2::LaunchTemplate" -> {
                    launchTemplates++;
                    Map<String, Object> data = CfnYaml.at(props, "LaunchTemplateData");
                    assertEquals("required", CfnYaml.at(data, "MetadataOptions", "HttpTokens"), "IMDSv2 must be required");
                    List<Object> disks = CfnYaml.at(data, "BlockDeviceMappings");
                    for (Object d : disks) {
                        assertEquals(true, CfnYaml.at(d, "Ebs", "Encrypted"), "volumes must be encrypted");
                    }
                    String userData = String.valueOf(data.get("UserData"));
                    // the Linux body travels packed: check it as the instance unpacks it too
                    java.util.regex.Matcher packed = java.util.regex.Pattern
                            .compile("<<'VENDING_BODY' \\| gzip -dc >\\S+\n([A-Za-z0-9+/=\n]+?)\nVENDING_BODY").matcher(userData);
                    if (!packed.find()) {
                        packed = java.util.regex.Pattern.compile("FromBase64String\\(@'\n([A-Za-z0-9+/=\n]+?)\n'@\\)").matcher(userData);
                    }
                    if (packed.find(0)) {
                        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(
                                java.util.Base64.getMimeDecoder().decode(packed.group(1))))) {
                            userData += new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                        } catch (java.io.IOException ex) {
                            fail("packed user data does not unpack: " + ex);
                        }
                    }
                    assertFalse(java.util.regex.Pattern.compile("glrt-[A-Za-z0-9_-]{8,}").matcher(userData).find(), "no token in user data");
                    assertFalse(userData.contains("RunnerToken}") || userData.contains("'Ref': 'RunnerToken'")
                            || userData.contains("Ref=RunnerToken"), "user data must not reference the token parameter");
                }
                case "AWS::EC2::SecurityGroup" -> assertFalse(props.containsKey("SecurityGroupIngress"), "no inbound rules");
                case "AWS::EC2::SecurityGroupIngress" -> {
                    // the one inbound rule: SSH from a docker-autoscaler manager's group to its workers
                    assertTrue(resources.containsKey("WorkerGroup"), "no inbound rules outside docker-autoscaler");
                    assertTrue(props.containsKey("SourceSecurityGroupId"), "inbound only from a security group");
                    assertFalse(props.containsKey("CidrIp") || props.containsKey("CidrIpv6"), "no inbound from addresses");
                    assertEquals("22", String.valueOf(props.get("FromPort")));
                    assertEquals("22", String.valueOf(props.get("ToPort")));
                }
                case "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::S3::BucketPolicy" ->
                        checkActions(e.getKey(), props, type.equals("AWS::S3::BucketPolicy"));
                default -> {
                }
            }
        }
        assertEquals(resources.containsKey("WorkerGroup") ? 2 : 1, launchTemplates, "one launch template (two with docker-autoscaler)");
        Object outputs = doc.get("Outputs");
        assertFalse(String.valueOf(outputs).contains("RunnerToken"), "outputs must not expose the token");
    }

    /**
     * Actions the Service Authorization Reference lists with no resource type, so "*" is their only
     * Resource: Session Manager's (ssm:UpdateInstanceInformation, ssmmessages, ec2messages) and the
     * Describe calls the docker-autoscaler manager and the default-network finder make.
     */
    public static final java.util.Set<String> UNSCOPED_ACTIONS = java.util.Set.of("ssm:UpdateInstanceInformation",
            "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel", "ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage",
            "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply",
            "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "ec2:DescribeInstances",
            "ec2:DescribeVpcs", "ec2:DescribeSubnets");

    /** No "*" or "service:*" in any Allow statement (a Deny of s3:* for insecure transport is fine). */
    private static void checkActions(String id, Object node, boolean denyAllowed) {
        if (node instanceof Map<?, ?> m) {
            if (m.containsKey("Action") && m.containsKey("Effect")) {
                boolean allow = "Allow".equals(m.get("Effect"));
                Object action = m.get("Action");
                List<?> actions = action instanceof List<?> l ? l : List.of(action);
                for (Object a : actions) {
                    String s = String.valueOf(a);
                    if (allow && (s.equals("*") || s.endsWith(":*"))) {
                        fail(id + " allows wildcard action " + s);
                    }
                    if (!allow && !denyAllowed && s.endsWith("*")) {
                        fail(id + " has unexpected wildcard " + s);
                    }
                }
                // cloudwatch:PutMetricData has no resource-level permissions; its namespace condition key scopes it
                boolean namespaced = actions.equals(List.of("cloudwatch:PutMetricData"))
                        && String.valueOf(m.get("Condition")).contains("cloudwatch:namespace");
                Object resource = m.get("Resource");
                if (allow && ("*".equals(resource) || resource instanceof List<?> r && r.contains("*")) && !namespaced
                        && !actions.stream().allMatch(a -> UNSCOPED_ACTIONS.contains(String.valueOf(a)))) {
                    fail(id + " allows an action on every resource that AWS lets a policy scope: " + actions);
                }
            }
            m.values().forEach(v -> checkActions(id, v, denyAllowed));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> checkActions(id, v, denyAllowed));
        }
    }
}
