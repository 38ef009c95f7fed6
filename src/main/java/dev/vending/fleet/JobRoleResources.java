package dev.vending.fleet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vending.cfn.Fn;
import dev.vending.cfn.Output;
import dev.vending.cfn.Parameter;
import dev.vending.cfn.Rule;
import dev.vending.cfn.Template;
import dev.vending.cfn.resource.IamRole;
import dev.vending.cfn.resource.OidcProvider;
import dev.vending.cfn.resource.PolicyDocument;
import dev.vending.cfn.resource.PolicyDocument.Statement;
import dev.vending.cfn.resource.Tag;

/**
 * The job role ({@code --job-role}): CI jobs get credentials from their GitLab ID token
 * (AssumeRoleWithWebIdentity), trusted only for the fleet's GitLab issuer, the audience and the
 * subject patterns given, never from the runner's instance role.
 */
final class JobRoleResources {
    static final String ROLE = "JobRole";
    static final String PROVIDER = "GitLabOidcProvider";
    static final String OUT_ROLE = "JobRoleArn";

    private JobRoleResources() {
    }

    static void add(Template t, FleetSpec spec, Parameter url, List<Tag> tags) {
        JobRoleSettings job = spec.security().jobRole();
        String issuer = spec.runner().gitlabUrl();
        String host = JobRoleSettings.issuerHost(issuer);
        // IAM condition keys are named after the issuer, and a policy's keys cannot be computed:
        // the trust is for the GitLab URL given at generate time, so the stack must keep that URL.
        t.add(new Rule("JobRoleIssuer", null, List.of(new Rule.Assertion(Fn.equalTo(Fn.ref(url), issuer),
                "The job role trusts ID tokens of " + issuer + "; keep GitLabUrl at " + issuer + " (or generate again)."))));
        Object provider;
        if (job.oidcProviderArn() != null) {
            provider = job.oidcProviderArn();
        } else {
            // the audience is the GitLab URL, as GitLab's docs configure id_tokens for AWS
            OidcProvider p = new OidcProvider(PROVIDER).url(issuer).clientIds(List.of(issuer));
            t.add(p);
            provider = Fn.ref(p);
        }
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("StringEquals", Map.of(host + ":aud", issuer));
        condition.put("StringLike", Map.of(host + ":sub", job.subjects()));
        IamRole role = new IamRole(ROLE)
                .description("vending: CI jobs of " + issuer + " with a GitLab ID token whose sub the trust policy names")
                .assumeRolePolicy(PolicyDocument.of(new Statement(null, "Allow", Map.of("Federated", provider),
                        List.of("sts:AssumeRoleWithWebIdentity"), null, condition)))
                .permissionsBoundary(spec.security().permissionsBoundary());
        job.policyArns().forEach(role::managedPolicyArn);
        tags.forEach(role::tag);
        t.add(role);
        t.add(new Output(OUT_ROLE, "IAM role CI jobs assume with a GitLab ID token (aud " + issuer + ")", Fn.getAtt(role, "Arn")));
    }
}
