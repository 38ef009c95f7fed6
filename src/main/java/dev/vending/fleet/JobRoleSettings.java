package dev.vending.fleet;

import java.util.List;
import java.util.regex.Pattern;

import dev.vending.failure.BadInput;

/**
 * An IAM role for CI jobs, assumed with GitLab's OIDC ID tokens ({@code id_tokens:} in
 * .gitlab-ci.yml, then {@code AssumeRoleWithWebIdentity}) instead of the runner's instance role.
 *
 * @param subjects        patterns of the token's {@code sub} claim, e.g.
 *                        {@code project_path:group/project:ref_type:branch:ref:main} ({@code *} allowed after the group)
 * @param policyArns      managed policies attached to the role
 * @param oidcProviderArn the account's existing IAM OIDC provider for the GitLab URL; null to create one
 */
public record JobRoleSettings(List<String> subjects, List<String> policyArns, String oidcProviderArn) {
    /** A top-level group (no wildcard: on gitlab.com "*" would mean every project), then path, ref type and ref. */
    private static final Pattern SUBJECT = Pattern.compile(
            "project_path:[A-Za-z0-9_.-]+/[A-Za-z0-9_./*-]+(:ref_type:(branch|tag|\\*):ref:[A-Za-z0-9_./*@+-]+)?");
    private static final Pattern PROVIDER = Pattern.compile("arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/[A-Za-z0-9.:/_~%-]+");
    private static final Pattern POLICY = Pattern.compile(SecuritySettings.POLICY_ARN_PATTERN);

    public JobRoleSettings {
        subjects = subjects == null ? List.of() : List.copyOf(subjects);
        policyArns = policyArns == null ? List.of() : List.copyOf(policyArns);
        if (subjects.isEmpty()) {
            throw new BadInput("--job-role-subject", "is required with --job-role (e.g. project_path:group/project:ref_type:branch:ref:main)");
        }
        List<String> complete = new java.util.ArrayList<>();
        for (String s : subjects) {
            if (!SUBJECT.matcher(s).matches()) {
                throw new BadInput("--job-role-subject", "'" + s + "' is not a GitLab sub claim pattern like "
                        + "project_path:group/project:ref_type:branch:ref:main (the top-level group may not be a wildcard)");
            }
            // GitLab's sub claim always ends in :ref_type:T:ref:R; a project alone means any of its refs
            complete.add(s.contains(":ref_type:") ? s : s + ":ref_type:*:ref:*");
        }
        subjects = List.copyOf(complete);
        for (String p : policyArns) {
            if (!POLICY.matcher(p).matches()) {
                throw new BadInput("--job-policy-arn", "'" + p + "' is not an IAM policy ARN");
            }
        }
        if (oidcProviderArn != null && !PROVIDER.matcher(oidcProviderArn).matches()) {
            throw new BadInput("--oidc-provider-arn", "'" + oidcProviderArn
                    + "' is not an IAM OIDC provider ARN (arn:aws:iam::123456789012:oidc-provider/gitlab.example.com)");
        }
    }

    /** The issuer without its scheme, as IAM names the condition keys ({@code gitlab.example.com:sub}). */
    static String issuerHost(String gitlabUrl) {
        return gitlabUrl.replaceFirst("^https://", "");
    }

    /** Checks against the fleet's GitLab URL, which is the tokens' issuer. */
    void checkIssuer(String gitlabUrl) {
        if (!gitlabUrl.startsWith("https://")) {
            throw new BadInput("--job-role", "needs an https --gitlab-url (IAM accepts OIDC issuers on https only)");
        }
        if (oidcProviderArn != null && !oidcProviderArn.endsWith(":oidc-provider/" + issuerHost(gitlabUrl))) {
            throw new BadInput("--oidc-provider-arn", "is not the provider for " + gitlabUrl + " (it must end in oidc-provider/"
                    + issuerHost(gitlabUrl) + ")");
        }
    }
}
