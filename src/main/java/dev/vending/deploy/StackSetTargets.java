package dev.vending.deploy;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.vending.failure.Failure;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The accounts and regions of a stack set as vending reaches them: the caller's own account with its
 * own credentials, another account through the stack set's execution role (self-managed permissions:
 * that role trusts the administrator account, which is why vending can store the token there), and
 * one set of clients per account and region, closed together.
 */
final class StackSetTargets implements AutoCloseable {
    static final String ADMINISTRATION_ROLE = "AWSCloudFormationStackSetAdministrationRole";
    static final String EXECUTION_ROLE = "AWSCloudFormationStackSetExecutionRole";
    static final String ROLES_DOC = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html";

    /** One stack instance's place. */
    record Target(String account, String region) {
        @Override
        public String toString() {
            return region + " " + account;
        }
    }

    private final AwsSettings settings;
    private final Clients admin;
    final String ownAccount;
    final String partition;
    private final Map<String, AwsCredentialsProvider> credentials = new LinkedHashMap<>();
    private final Map<Target, Clients> clients = new LinkedHashMap<>();

    StackSetTargets(AwsSettings settings, Clients admin) {
        this.settings = settings;
        this.admin = admin;
        var me = admin.sts().getCallerIdentity();
        this.ownAccount = me.account();
        this.partition = me.arn().split(":")[1];
    }

    /**
     * Self-managed permissions need the administration role in this account and the execution role in
     * every target account (this one included when it is a target); checked before anything is created.
     */
    void checkSelfManagedRoles(Iterable<String> accounts) {
        requireRole(ADMINISTRATION_ROLE, "the role CloudFormation uses in the administrator account " + ownAccount);
        for (String account : accounts) {
            if (account.equals(ownAccount)) {
                requireRole(EXECUTION_ROLE, "the role CloudFormation assumes in target account " + ownAccount);
            } else {
                credentials(account);
            }
        }
    }

    private void requireRole(String role, String what) {
        try {
            admin.iam().getRole(b -> b.roleName(role));
        } catch (NoSuchEntityException e) {
            throw new Failure(Failure.Kind.AWS, "IAM role " + role + " (" + what + ") does not exist; a self-managed stack set needs "
                    + ADMINISTRATION_ROLE + " in the administrator account and " + EXECUTION_ROLE
                    + " (trusting the administrator account) in every target account. Create them as described in " + ROLES_DOC
                    + ", or use --org-units for service-managed permissions");
        }
    }

    /** The credentials vending uses in an account: its own, or the execution role's there. */
    synchronized AwsCredentialsProvider credentials(String account) {
        if (account.equals(ownAccount)) {
            return admin.credentials();
        }
        return credentials.computeIfAbsent(account, a -> {
            String arn = "arn:" + partition + ":iam::" + a + ":role/" + EXECUTION_ROLE;
            Credentials c;
            try {
                c = admin.sts().assumeRole(b -> b.roleArn(arn).roleSessionName("vending-stackset")).credentials();
            } catch (AwsServiceException e) {
                throw new Failure(Failure.Kind.AWS, "cannot assume " + arn + " (" + AwsFailures.describe(e) + "); target account " + a
                        + " needs the role " + EXECUTION_ROLE + " trusting account " + ownAccount + ", and these credentials sts:AssumeRole on it ("
                        + ROLES_DOC + ")", e);
            }
            return StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
        });
    }

    /** The clients of one target (built on first use). */
    synchronized Clients of(Target t) {
        Clients c = clients.get(t);
        if (c == null) {
            c = new Clients(settings, t.region(), credentials(t.account()));
            clients.put(t, c);
        }
        return c;
    }

    @Override
    public void close() {
        clients.values().forEach(Clients::close);
    }
}
