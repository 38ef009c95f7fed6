package dev.vending.fleet;

import java.util.regex.Pattern;

import dev.vending.failure.BadInput;

/**
 * Who may act as the fleet's instances, and the enterprise controls on what the stack creates.
 *
 * @param jobsUseInstanceRole  CI jobs may reach the instance metadata service (and so the instance
 *                             role, which reads the runner token); off by default
 * @param jobsMayReadToken     the user's explicit acknowledgement that, with the above, jobs can read the token
 * @param permissionsBoundary  IAM policy ARN set as the permissions boundary of every role the stack creates; null for none
 * @param kmsKeyArn            customer managed KMS key for the token secret, log group, cache bucket and volumes;
 *                             null for the AWS managed defaults (then the role gets no kms:Decrypt at all)
 * @param jobRole              an OIDC role for CI jobs; null for none
 */
public record SecuritySettings(boolean jobsUseInstanceRole, boolean jobsMayReadToken, String permissionsBoundary,
        String kmsKeyArn, JobRoleSettings jobRole) {

    public static final SecuritySettings DEFAULT = new SecuritySettings(false, false, null, null);

    /** Without a job role. */
    public SecuritySettings(boolean jobsUseInstanceRole, boolean jobsMayReadToken, String permissionsBoundary, String kmsKeyArn) {
        this(jobsUseInstanceRole, jobsMayReadToken, permissionsBoundary, kmsKeyArn, null);
    }

    /** Also what the full template's parameters allow (CloudFormation AllowedPattern syntax). */
    public static final String POLICY_ARN_PATTERN = "arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]{1,1024}";
    public static final String KEY_ARN_PATTERN = "arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]{1,128}";
    private static final Pattern POLICY_ARN = Pattern.compile(POLICY_ARN_PATTERN);
    private static final Pattern KEY_ARN = Pattern.compile(KEY_ARN_PATTERN);

    public SecuritySettings {
        if (jobsMayReadToken && !jobsUseInstanceRole) {
            throw new BadInput("--jobs-may-read-runner-token", "only means something with --jobs-use-instance-role");
        }
        if (jobsUseInstanceRole && !jobsMayReadToken) {
            // Every vending fleet's instance role reads the runner token (the instance registers with it at
            // boot), so a job with the role can register a runner of its own and receive other projects' jobs.
            throw new BadInput("--jobs-use-instance-role", "lets every CI job read this fleet's runner token through the "
                    + "instance role; add --jobs-may-read-runner-token to insist, or give jobs their own credentials with GitLab OIDC id_tokens (docs/security.md)");
        }
        if (permissionsBoundary != null && !POLICY_ARN.matcher(permissionsBoundary).matches()) {
            throw new BadInput("--permissions-boundary", "'" + permissionsBoundary
                    + "' is not an IAM policy ARN (arn:aws:iam::123456789012:policy/NAME)");
        }
        if (kmsKeyArn != null && !KEY_ARN.matcher(kmsKeyArn).matches()) {
            throw new BadInput("--kms-key-arn", "'" + kmsKeyArn
                    + "' is not a KMS key ARN (arn:aws:kms:REGION:123456789012:key/KEY-ID; aliases are not accepted)");
        }
    }

    /** The warning printed whenever jobs get the instance role. */
    public static final String JOBS_USE_ROLE_WARNING = "warning: --jobs-use-instance-role: CI jobs on this fleet can use the "
            + "instance role and so read the runner token (and register runners of their own with it); "
            + "run only trusted projects' jobs here";

    /**
     * The warning printed for every Windows fleet: the runner runs shell jobs as its own service account
     * (its --user option works with Bash only), and that account must read config.toml, which holds the token.
     */
    public static final String WINDOWS_TOKEN_WARNING = "warning: Windows fleets: GitLab Runner runs shell jobs as its own "
            + "service account, which must read config.toml, so CI jobs on this fleet can read the runner token "
            + "(they cannot reach the instance role); run only trusted projects' jobs here and prefer a revocable glrt- token "
            + "(docs/security.md)";
}
