package dev.vending.cli;

import java.util.List;

import dev.vending.fleet.Arch;
import dev.vending.fleet.CacheMode;
import dev.vending.fleet.Executor;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.OperatingSystem;
import dev.vending.fleet.Purchase;
import dev.vending.fleet.RunnerSettings;
import dev.vending.fleet.Schedule;
import picocli.CommandLine.Option;

/**
 * The fleet options shared by generate, deploy, cost and easybuttons (a picocli mixin).
 * Values are kept raw here; {@link #toSpec()} hands them to the fleet layer, which validates.
 */
public final class FleetOptions {

    @Option(names = "--name", paramLabel = "NAME", description = "Fleet name, used in tags and resource names (default: ${DEFAULT-VALUE}).",
            defaultValue = FleetSpec.DEFAULT_NAME)
    String name;

    @Option(names = "--runners", paramLabel = "N", description = "Desired runner instances (default: " + FleetSpec.DEFAULT_RUNNERS + ").")
    Integer runners;

    @Option(names = "--min", paramLabel = "N", description = "Minimum instances (default: 0, so schedules and scale-in can stop all).")
    Integer min;

    @Option(names = "--max", paramLabel = "N", description = "Maximum instances (default: runners plus one rolling-update batch).")
    Integer max;

    @Option(names = "--spot", description = "All instances on Spot.")
    boolean spot;

    @Option(names = "--on-demand", description = "All instances On-Demand (the default).")
    boolean onDemand;

    @Option(names = "--spot-percent", paramLabel = "P", description = "Spot share (0-100) of the instances above the On-Demand base.")
    Integer spotPercent;

    @Option(names = "--on-demand-base", paramLabel = "N", description = "Instances that are always On-Demand before the Spot share applies.")
    Integer onDemandBase;

    @Option(names = "--arch", completionCandidates = Completions.Arches.class, paramLabel = "ARCH", description = "arm64 or x86_64 (aliases aarch64, amd64). Default: arm64 on Linux, x86_64 on Windows.")
    String arch;

    @Option(names = "--os", completionCandidates = Completions.OperatingSystems.class, paramLabel = "OS", description = "linux (Amazon Linux 2023) or windows (Windows Server 2022). Default: ${DEFAULT-VALUE}.",
            defaultValue = "linux")
    String os;

    @Option(names = "--instance-types", paramLabel = "TYPE", split = ",",
            description = "Instance types, in priority order. Default: a diversified current-generation list per arch for Spot, one type for On-Demand.")
    List<String> instanceTypes;

    @Option(names = "--allow-unknown-instance-types", description = "Accept instance types vending's catalogue does not know.")
    boolean allowUnknownTypes;

    @Option(names = "--executor", completionCandidates = Completions.Executors.class, paramLabel = "EXECUTOR",
            description = "docker, shell or docker-autoscaler (one manager scaling Docker workers; default: docker on Linux, shell on Windows).")
    String executor;

    @Option(names = "--max-use-count", paramLabel = "N",
            description = "docker-autoscaler: jobs a worker runs before it is replaced; 1 = a fresh machine per job, 0 = no limit (default: 100).")
    Integer maxUseCount;

    @Option(names = "--idle-count", paramLabel = "N",
            description = "docker-autoscaler: idle job slots kept warm (only in scheduled hours with a schedule; default: 0).")
    Integer idleCount;

    @Option(names = "--idle-time", paramLabel = "DURATION",
            description = "docker-autoscaler: how long an idle worker stays before it is removed, e.g. 20m (default: 20m).")
    String idleTime;

    @Option(names = "--fleeting-plugin-version", paramLabel = "VERSION",
            description = "docker-autoscaler: fleeting AWS plugin version installed on the manager (default: "
                    + dev.vending.fleet.AutoscalerSettings.DEFAULT_PLUGIN_VERSION + ").")
    String pluginVersion;

    @Option(names = "--concurrency", paramLabel = "N", description = "Jobs run at once per instance (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + RunnerSettings.DEFAULT_CONCURRENCY)
    int concurrency;

    @Option(names = "--runner-tags", paramLabel = "TAG", split = ",", description = "Extra runner tags (computetype-*, os-*, arch-*, glexecutor-* are added).")
    List<String> runnerTags;

    @Option(names = "--gitlab-url", paramLabel = "URL", description = "GitLab instance (default: ${DEFAULT-VALUE}).",
            defaultValue = RunnerSettings.DEFAULT_GITLAB_URL)
    String gitlabUrl;

    @Option(names = "--runner-version", paramLabel = "VERSION", description = "GitLab Runner version, e.g. 17.5.2 (default: ${DEFAULT-VALUE}).",
            defaultValue = RunnerSettings.LATEST_VERSION)
    String runnerVersion;

    @Option(names = "--docker-image", paramLabel = "IMAGE", description = "Default job image for the docker executor (default: ${DEFAULT-VALUE}).",
            defaultValue = RunnerSettings.DEFAULT_DOCKER_IMAGE)
    String dockerImage;

    @Option(names = "--docker-privileged", description = "Run job containers privileged (docker-in-docker). Off unless given.")
    boolean privileged;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "2h",
            description = "Longest a terminating runner waits for running jobs before it unregisters, e.g. 45m (default: ${DEFAULT-VALUE}; at most 16h).")
    String drainTimeout;

    @Option(names = "--schedule-start", paramLabel = "CRON", description = "Cron (5 fields) when the fleet starts, e.g. \"0 8 * * 1-5\".")
    String scheduleStart;

    @Option(names = "--schedule-stop", paramLabel = "CRON", description = "Cron (5 fields) when the fleet scales to zero, e.g. \"0 18 * * 1-5\".")
    String scheduleStop;

    @Option(names = "--timezone", paramLabel = "ZONE", description = "IANA time zone of the schedule (default: ${DEFAULT-VALUE}).",
            defaultValue = Schedule.DEFAULT_TIME_ZONE)
    String timeZone;

    @Option(names = "--schedule-runners", paramLabel = "N", description = "Desired instances when the schedule starts the fleet (default: --runners).")
    Integer scheduleRunners;

    @Option(names = "--scale-on", paramLabel = "METRIC:TARGET",
            description = "Elastic fleet: target tracking between --min (default 1) and --max (default 10), --runners being the "
                    + "starting size. jobs:75 keeps 75%% of job slots busy on average (Linux; busy runners are protected from "
                    + "scale-in), cpu:60 the group's average CPU at 60%%. A group at 0 instances publishes no metric and cannot "
                    + "see a queue, so --min stays at 1 or more; for scale-to-zero use --executor docker-autoscaler.")
    String scaleOn;

    @Option(names = "--schedule-min", paramLabel = "N",
            description = "With --scale-on and a schedule: the fewest instances inside the window (default: --min, at least 1); "
                    + "outside it the group is 0/0.")
    Integer scheduleMin;

    @Option(names = "--volume-size", paramLabel = "GiB", description = "Root volume size (default: 40 Linux, 100 Windows).")
    Integer volumeSize;

    @Option(names = "--cache", completionCandidates = Completions.Caches.class, paramLabel = "CACHE",
            description = "s3 (a shared cache bucket) or none (default: s3; none on Windows unless --jobs-use-instance-role).")
    String cache;

    @Option(names = "--alarm-topic-arn", paramLabel = "ARN",
            description = "SNS topic to notify when fewer runners are in service than desired for 15 minutes (failing bootstraps).")
    String alarmTopicArn;

    @Option(names = "--jobs-use-instance-role", description = "Let CI jobs reach the instance metadata service and so the instance "
            + "role, which reads the runner token. Off by default; needs --jobs-may-read-runner-token.")
    boolean jobsUseInstanceRole;

    @Option(names = "--jobs-may-read-runner-token", description = "Insist on --jobs-use-instance-role, accepting that jobs can read "
            + "the runner token and register runners with it.")
    boolean jobsMayReadToken;

    @Option(names = "--permissions-boundary", paramLabel = "POLICY-ARN", description = "Permissions boundary for every IAM role the stack creates.")
    String permissionsBoundary;

    @Option(names = "--job-role", description = "Also create an IAM role that CI jobs assume with GitLab OIDC ID tokens "
            + "(id_tokens: in .gitlab-ci.yml); output JobRoleArn. Needs --job-role-subject.")
    boolean jobRole;

    @Option(names = "--job-role-subject", paramLabel = "SUB", split = ",", description = "ID token sub claims the job role trusts, "
            + "e.g. project_path:g/app:ref_type:branch:ref:main (* allowed after the top-level group).")
    List<String> jobRoleSubjects;

    @Option(names = "--job-policy-arn", paramLabel = "POLICY-ARN", split = ",", description = "Managed policies attached to the job role.")
    List<String> jobPolicyArns;

    @Option(names = "--oidc-provider-arn", paramLabel = "ARN", description = "The account's existing IAM OIDC provider for the GitLab URL "
            + "(default: the stack creates one; an account has at most one per URL).")
    String oidcProviderArn;

    @Option(names = "--kms-key-arn", paramLabel = "KEY-ARN", description = "Customer managed KMS key for the token secret, log group, "
            + "cache bucket and root volumes (its key policy must allow them: docs/security.md).")
    String kmsKeyArn;

    private dev.vending.fleet.JobRoleSettings jobRole() {
        if (!jobRole) {
            for (var given : List.of(java.util.Map.entry("--job-role-subject", jobRoleSubjects != null),
                    java.util.Map.entry("--job-policy-arn", jobPolicyArns != null), java.util.Map.entry("--oidc-provider-arn", oidcProviderArn != null))) {
                if (given.getValue()) {
                    throw new dev.vending.failure.BadInput(given.getKey(), "only means something with --job-role");
                }
            }
            return null;
        }
        return new dev.vending.fleet.JobRoleSettings(jobRoleSubjects, jobPolicyArns, oidcProviderArn);
    }

    /** Builds the validated spec; contradictions and bad values throw with the flag's name. */
    public FleetSpec toSpec() {
        FleetSpec.Builder b = FleetSpec.builder()
                .name(name)
                .min(min)
                .max(max)
                .purchase(purchase())
                .os(OperatingSystem.parse(os))
                .instanceTypes(instanceTypes)
                .allowUnknownInstanceTypes(allowUnknownTypes)
                .executor(executor == null ? null : Executor.parse(executor))
                .concurrency(concurrency)
                .tags(runnerTags)
                .gitlabUrl(gitlabUrl)
                .runnerVersion(runnerVersion)
                .dockerImage(dockerImage)
                .privileged(privileged)
                .drainSeconds(RunnerSettings.parseDuration(drainTimeout))
                .scheduleStart(scheduleStart)
                .scheduleStop(scheduleStop)
                .timeZone(timeZone)
                .scheduleRunners(scheduleRunners)
                .volumeSize(volumeSize)
                .cache(cache == null ? null : CacheMode.parse(cache))
                .maxUseCount(maxUseCount)
                .idleCount(idleCount)
                .idleSeconds(idleTime == null ? null : dev.vending.fleet.AutoscalerSettings.parseIdleTime(idleTime))
                .pluginVersion(pluginVersion)
                .security(new dev.vending.fleet.SecuritySettings(jobsUseInstanceRole, jobsMayReadToken, permissionsBoundary, kmsKeyArn,
                        jobRole()))
                .scaling(scaleOn == null ? null : dev.vending.fleet.Scaling.parse(scaleOn))
                .scheduleMin(scheduleMin)
                .alarmTopicArn(alarmTopicArn);
        if (runners != null) {
            b.runners(runners);
        }
        if (arch != null) {
            b.arch(Arch.parse(arch));
        }
        return b.build();
    }

    Purchase purchase() {
        return Purchase.fromFlags(spot, onDemand, spotPercent, onDemandBase);
    }
}
