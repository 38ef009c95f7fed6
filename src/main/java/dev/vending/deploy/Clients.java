package dev.vending.deploy;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3control.S3ControlClient;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

import dev.vending.failure.BadInput;
import dev.vending.failure.Failure;

/** The SDK clients of one command run: one region, one credential source, one HTTP client. */
final class Clients implements AutoCloseable {
    /** Attempts per call (standard mode has 3): CloudFormation throttles eagerly on busy accounts. */
    static final int MAX_ATTEMPTS = 8;

    final String region;
    private final String endpointUrl;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final ClientOverrideConfiguration overrides;
    private final Map<Service, FutureTask<AutoCloseable>> clients = new EnumMap<>(Service.class);

    /** The services a run may call. */
    enum Service { CLOUDFORMATION, EC2, SSM, S3, AUTOSCALING, S3CONTROL, STS, CLOUDWATCH, IAM }

    Clients(AwsSettings settings, DeployContext context) {
        this(settings, resolveRegion(settings, context), credentials(settings, context));
    }

    /** Clients of another region, or of another account through credentials assumed there (stack set targets). */
    Clients(AwsSettings settings, String region, AwsCredentialsProvider credentials) {
        this.region = region;
        this.endpointUrl = settings.endpointUrl();
        this.credentials = credentials;
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60))
                .build();
        this.overrides = ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(MAX_ATTEMPTS)
                        .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(20)))
                        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(500), Duration.ofSeconds(20)))
                        .build())
                .build();
        for (Service s : Service.values()) {
            clients.put(s, new FutureTask<>(() -> newClient(s)));
        }
    }

    /** --region, then AWS_REGION / AWS_DEFAULT_REGION, then the profile's region; else exit 2. */
    static String resolveRegion(AwsSettings settings, DeployContext context) {
        if (settings.region() != null && !settings.region().isBlank()) {
            return settings.region().trim();
        }
        for (String name : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
            if (context.env(name) != null) {
                return context.env(name).trim();
            }
        }
        String profile = profileName(settings, context);
        try {
            Optional<String> fromProfile = ProfileFile.defaultProfileFile().profile(profile).flatMap(p -> p.property("region"));
            if (fromProfile.isPresent() && !fromProfile.get().isBlank()) {
                return fromProfile.get().trim();
            }
        } catch (RuntimeException e) {
            // an unreadable config file is the same as none here
        }
        throw new BadInput("--region", "no region given; pass --region, set AWS_REGION, or set a region in profile '" + profile + "'");
    }

    private static String profileName(AwsSettings settings, DeployContext context) {
        if (settings.profile() != null) {
            return settings.profile();
        }
        String env = context.env("AWS_PROFILE");
        return env != null ? env : "default";
    }

    /** --profile wins; else keys in the (injectable) environment; else the SDK's default chain. */
    private static AwsCredentialsProvider credentials(AwsSettings settings, DeployContext context) {
        if (settings.profile() != null) {
            return ProfileCredentialsProvider.create(settings.profile());
        }
        String key = context.env("AWS_ACCESS_KEY_ID");
        String secret = context.env("AWS_SECRET_ACCESS_KEY");
        if (key != null && secret != null) {
            String session = context.env("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(session == null ? AwsBasicCredentials.create(key, secret)
                    : AwsSessionCredentials.create(key, secret, session));
        }
        if (context.env("AWS_PROFILE") != null) {
            return ProfileCredentialsProvider.create(context.env("AWS_PROFILE"));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private <B extends AwsClientBuilder<B, C>, C> C build(AwsClientBuilder<B, C> b) {
        b.region(Region.of(region)).credentialsProvider(credentials).overrideConfiguration(overrides);
        if (endpointUrl != null) {
            b.endpointOverride(URI.create(endpointUrl));
        }
        return b.build();
    }

    /**
     * Starts building these clients on background threads: a cold client costs hundreds of
     * milliseconds of class loading and endpoint-rule set-up, so building them while the run does
     * other work takes that off its critical path. A getter called earlier waits for that build.
     */
    void prepare(Service... services) {
        for (Service s : services) {
            Thread t = new Thread(clients.get(s), "vending-client-" + s);
            t.setDaemon(true);
            t.start();
        }
    }

    @SuppressWarnings("unchecked")
    private <C> C client(Service s) {
        FutureTask<AutoCloseable> task = clients.get(s);
        task.run(); // builds it here unless built or being built already
        try {
            return (C) task.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Failure.Kind.INTERRUPTED, "interrupted", e);
        }
    }

    private AutoCloseable newClient(Service s) {
        return switch (s) {
            case CLOUDFORMATION -> build(CloudFormationClient.builder().httpClient(http));
            case EC2 -> build(Ec2Client.builder().httpClient(http));
            case SSM -> build(SsmClient.builder().httpClient(http));
            case S3 -> build(S3Client.builder().httpClient(http).forcePathStyle(endpointUrl != null));
            case AUTOSCALING -> build(AutoScalingClient.builder().httpClient(http));
            // S3 Control puts the account id in front of the host; an --endpoint-url (moto) has no such names
            case S3CONTROL -> buildS3Control();
            case STS -> build(StsClient.builder().httpClient(http));
            case CLOUDWATCH -> build(CloudWatchClient.builder().httpClient(http));
            // IAM is global: the SDK sends it to the partition's global endpoint whatever the region
            case IAM -> build(IamClient.builder().httpClient(http));
        };
    }

    /**
     * S3 Control's endpoint rules put the account id in front of the host (123456789012.s3-control...);
     * an --endpoint-url (moto, LocalStack) has no such names, so there the request goes to its host as given.
     */
    private S3ControlClient buildS3Control() {
        var b = S3ControlClient.builder().httpClient(http).region(Region.of(region)).credentialsProvider(credentials);
        if (endpointUrl == null) {
            return b.overrideConfiguration(overrides).build();
        }
        String host = URI.create(endpointUrl).getHost();
        SdkHttpClient sameHost = new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                return http.prepareRequest(HttpExecuteRequest.builder().request(request.httpRequest().toBuilder().host(host).build())
                        .contentStreamProvider(request.contentStreamProvider().orElse(null)).build());
            }

            @Override
            public void close() {
                // the shared client is closed with the others
            }
        };
        return b.httpClient(sameHost).endpointOverride(URI.create(endpointUrl)).overrideConfiguration(overrides).build();
    }

    S3ControlClient s3control() {
        return client(Service.S3CONTROL);
    }

    StsClient sts() {
        return client(Service.STS);
    }

    IamClient iam() {
        return client(Service.IAM);
    }

    /** The credentials these clients sign with (stack set targets assume roles with them). */
    AwsCredentialsProvider credentials() {
        return credentials;
    }

    CloudFormationClient cfn() {
        return client(Service.CLOUDFORMATION);
    }

    Ec2Client ec2() {
        return client(Service.EC2);
    }

    SsmClient ssm() {
        return client(Service.SSM);
    }

    S3Client s3() {
        return client(Service.S3);
    }

    AutoScalingClient autoscaling() {
        return client(Service.AUTOSCALING);
    }

    CloudWatchClient cloudwatch() {
        return client(Service.CLOUDWATCH);
    }

    @Override
    public void close() {
        for (FutureTask<AutoCloseable> task : clients.values()) {
            if (task.isDone()) {
                try {
                    task.get().close();
                } catch (Exception e) {
                    // closing never fails a command
                }
            }
        }
        http.close();
    }
}
