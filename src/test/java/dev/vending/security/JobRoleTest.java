package dev.vending.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vending.cfn.TemplateFormat;
import dev.vending.cli.CliRun;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.FleetTemplate;
import dev.vending.fleet.JobRoleSettings;
import dev.vending.fleet.SecuritySettings;
import dev.vending.testing.CfnEvaluator;
import dev.vending.testing.CfnEvaluator.Evaluated;
import dev.vending.testing.CfnYaml;

/**
 * --job-role as CloudFormation creates it: an IAM OIDC provider for the fleet's GitLab (or the
 * user's), and a role whose trust policy takes only AssumeRoleWithWebIdentity with that issuer's
 * tokens, the GitLab URL as audience and the given sub patterns (IAM condition keys
 * {@code <issuer host>:aud} and {@code <issuer host>:sub}).
 */
class JobRoleTest {
    private static final String URL = "https://gitlab.example.com/gl";
    private static final List<String> SUBJECTS = List.of("project_path:acme/app:ref_type:branch:ref:main",
            "project_path:acme/infra/*:ref_type:tag:ref:v*");
    private static final String BOUNDARY = "arn:aws:iam::123456789012:policy/boundary";

    private static Evaluated evaluate(String providerArn, String gitlabUrl) {
        FleetSpec spec = FleetSpec.builder().gitlabUrl(URL).security(new SecuritySettings(false, false, BOUNDARY, null,
                new JobRoleSettings(SUBJECTS, List.of("arn:aws:iam::123456789012:policy/deploy"), providerArn))).build();
        return CfnEvaluator.fromJson(TemplateFormat.JSON.render(FleetTemplate.build(spec)))
                .parameters(Map.of("VpcId", "vpc-1", "SubnetIds", "subnet-1", "RunnerToken", "glrt-x", "GitLabUrl", gitlabUrl))
                .region("eu-west-1").accountId("123456789012").stackName("runners")
                .ssm("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64", "ami-1").evaluate();
    }

    @Test
    void createsTheProviderAndARoleTrustingOnlyTheGivenSubjects() {
        Evaluated e = evaluate(null, URL);
        assertEquals(Map.of("Url", URL, "ClientIdList", List.of(URL)), e.properties("GitLabOidcProvider"));
        Map<String, Object> role = e.properties("JobRole");
        List<Map<String, Object>> trust = CfnYaml.at(role, "AssumeRolePolicyDocument", "Statement");
        assertEquals(1, trust.size());
        Map<String, Object> st = trust.get(0);
        assertEquals("Allow", st.get("Effect"));
        assertEquals(Map.of("Federated", "{Ref:GitLabOidcProvider}"), st.get("Principal"));
        assertEquals("sts:AssumeRoleWithWebIdentity", st.get("Action"));
        assertEquals(Map.of("StringEquals", Map.of("gitlab.example.com/gl:aud", URL),
                "StringLike", Map.of("gitlab.example.com/gl:sub", SUBJECTS)), st.get("Condition"));
        assertEquals(List.of("arn:aws:iam::123456789012:policy/deploy"), role.get("ManagedPolicyArns"));
        assertEquals(BOUNDARY, role.get("PermissionsBoundary"));
        assertEquals(BOUNDARY, e.properties("RunnerRole").get("PermissionsBoundary"), "every role gets the boundary");
        assertFalse(role.containsKey("Policies"), "the job role has only what --job-policy-arn gives");
        assertEquals("{GetAtt:JobRole.Arn}", e.output("JobRoleArn"));
    }

    @Test
    void aProjectWithoutRefTrustsEveryRefOfThatProjectAsGitLabsSubClaimReads() {
        // GitLab's sub is always project_path:G/P:ref_type:T:ref:R, so "project_path:acme/app" alone
        // would match no token under StringLike: it is completed to every ref of the project
        JobRoleSettings s = new JobRoleSettings(List.of("project_path:acme/app"), List.of(), null);
        assertEquals(List.of("project_path:acme/app:ref_type:*:ref:*"), s.subjects());
        assertTrue("project_path:acme/app:ref_type:branch:ref:main".matches(s.subjects().get(0).replace("*", ".*")));
    }

    @Test
    void reusesAGivenProvider() {
        String arn = "arn:aws:iam::123456789012:oidc-provider/gitlab.example.com/gl";
        Evaluated e = evaluate(arn, URL);
        assertFalse(e.has("GitLabOidcProvider"));
        assertEquals(Map.of("Federated", arn), CfnYaml.at(e.properties("JobRole"), "AssumeRolePolicyDocument", "Statement", 0, "Principal"));
    }

    @Test
    void theStackKeepsTheIssuerTheTrustIsFor() {
        assertThrows(CfnEvaluator.Rejected.class, () -> evaluate(null, "https://gitlab.other.example"));
    }

    @Test
    void badInputNamesTheFlag() {
        for (List<String> args : List.of(
                List.of("--job-role"),
                List.of("--job-role", "--job-role-subject", "project_path:*:ref_type:branch:ref:main"),
                List.of("--job-role", "--job-role-subject", "*"),
                List.of("--job-role-subject", "project_path:a/b"),
                List.of("--job-role", "--job-role-subject", "project_path:a/b", "--gitlab-url", "http://gitlab.example.com"),
                List.of("--job-role", "--job-role-subject", "project_path:a/b", "--oidc-provider-arn",
                        "arn:aws:iam::123456789012:oidc-provider/gitlab.other.example"),
                List.of("--job-role", "--job-role-subject", "project_path:a/b", "--job-policy-arn", "AdministratorAccess"))) {
            List<String> cmd = new java.util.ArrayList<>(List.of("generate"));
            cmd.addAll(args);
            CliRun r = CliRun.of(cmd.toArray(String[]::new));
            assertEquals(2, r.exitCode(), args + ": " + r.err());
            assertTrue(r.out().isEmpty(), args + ": nothing written");
            assertTrue(r.err().strip().lines().count() == 1 && r.err().contains("--"), args + ": " + r.err());
        }
    }
}
