package dev.vending.fleet;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

import dev.vending.failure.BadInput;

/**
 * An immutable, validated description of a runner fleet. Everything that turns flags into a
 * template goes through here, so an invalid combination cannot reach the template builder.
 *
 * @param schedule null when the fleet runs around the clock
 * @param alarmTopicArn SNS topic told when fewer instances are in service than desired; null for no alarm
 * @param scaling  null for a fixed size (or a schedule's sizes); else target tracking between min and max
 * @param autoscaler null unless the executor is docker-autoscaler (then capacity is the worker group's:
 *                   0 desired, 0 min, max = max_instances)
 */
public record FleetSpec(String name, Capacity capacity, Purchase purchase, Arch arch, OperatingSystem os,
        List<String> instanceTypes, RunnerSettings runner, Schedule schedule, int volumeSizeGiB, CacheMode cache,
        Scaling scaling, String alarmTopicArn, AutoscalerSettings autoscaler, SecuritySettings security) {

    public static final String DEFAULT_NAME = "gitlab-runners";
    public static final int DEFAULT_RUNNERS = 1;
    private static final Pattern NAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9-]{0,27}");
    public static final int MAX_INSTANCE_TYPES = 20;
    private static final Pattern SNS_TOPIC = Pattern.compile("arn:aws(-[a-z]+)*:sns:[a-z]{2}(-[a-z]+)+-[0-9]:[0-9]{12}:[A-Za-z0-9_-]{1,256}");
    /** --max of an elastic fleet when not given. */
    public static final int ELASTIC_DEFAULT_MAX = 10;

    public FleetSpec {
        if (name == null || !NAME.matcher(name).matches() || name.endsWith("-")) {
            throw new BadInput("--name", "invalid fleet name '" + name
                    + "' (1-28 letters, digits and '-', starting with a letter, used in stack and resource names)");
        }
        requireArchForOs(os, arch);
        if (os == OperatingSystem.WINDOWS && runner.executor() == Executor.DOCKER) {
            throw new BadInput("--executor", "docker is not supported with --os windows; use --executor shell");
        }
        if (instanceTypes == null || instanceTypes.isEmpty()) {
            throw new BadInput("--instance-types", "must name at least one instance type");
        }
        instanceTypes = List.copyOf(new LinkedHashSet<>(instanceTypes));
        if (instanceTypes.size() > MAX_INSTANCE_TYPES) {
            throw new BadInput("--instance-types", "at most " + MAX_INSTANCE_TYPES + " types (got " + instanceTypes.size() + ")");
        }
        if (volumeSizeGiB < minVolume(os) || volumeSizeGiB > 16_384) {
            throw new BadInput("--volume-size", "must be between " + minVolume(os) + " and 16384 GiB for "
                    + os.id() + " (got " + volumeSizeGiB + ")");
        }
        if (alarmTopicArn != null && !SNS_TOPIC.matcher(alarmTopicArn).matches()) {
            throw new BadInput("--alarm-topic-arn", "not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)");
        }
        if (security == null) {
            security = SecuritySettings.DEFAULT;
        }
        if (security.jobRole() != null) {
            security.jobRole().checkIssuer(runner.gitlabUrl());
        }
        if (os == OperatingSystem.WINDOWS && cache == CacheMode.S3 && !security.jobsUseInstanceRole()) {
            // Windows shell jobs run as the runner service's account, and the S3 cache's credentials
            // come from the instance role: blocking jobs from IMDS blocks the cache too (docs/security.md).
            throw new BadInput("--cache", "s3 on --os windows needs --jobs-use-instance-role (Windows jobs run as the "
                    + "runner's account, which is kept away from the instance role); use --cache none");
        }
        if (schedule != null && schedule.runnersWhenStarted() > capacity.max()) {
            throw new BadInput(scaling != null ? "--schedule-min" : "--schedule-runners",
                    schedule.runnersWhenStarted() + " is more than --max " + capacity.max());
        }
        if (scaling != null && scaling.metric() == Scaling.Metric.JOBS && os == OperatingSystem.WINDOWS) {
            throw new BadInput("--scale-on", "jobs:TARGET needs the job-slot metric, which only the Linux watcher publishes; "
                    + "use cpu:TARGET with --os windows");
        }
    }

    /** Fixed fleets keep their size; elastic ones let the scaling policy move it between min and max. */
    public boolean elastic() {
        return scaling != null;
    }

    private static void requireArchForOs(OperatingSystem os, Arch arch) {
        if (os == OperatingSystem.WINDOWS && arch == Arch.ARM64) {
            throw new BadInput("--arch", "arm64 is not available for --os windows (Windows Server runs on x86_64 only)");
        }
    }

    public static int minVolume(OperatingSystem os) {
        return os == OperatingSystem.WINDOWS ? 50 : 8;
    }

    public static int defaultVolume(OperatingSystem os) {
        return os == OperatingSystem.WINDOWS ? 100 : 40;
    }

    /** The tags every runner of this fleet registers with. */
    public RunnerTags runnerTags() {
        return RunnerTags.of(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Collects raw option values, fills the documented defaults (those that depend on other
     * options too: arch and executor by OS, instance types by arch and purchase, volume size by OS,
     * capacity by runner counts), checks cross-option rules and builds the spec.
     */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private int runners = DEFAULT_RUNNERS;
        private boolean runnersGiven;
        private Integer min;
        private Integer max;
        private Purchase purchase = Purchase.allOnDemand();
        private Arch arch;
        private OperatingSystem os = OperatingSystem.LINUX;
        private List<String> instanceTypes = List.of();
        private boolean allowUnknownTypes;
        private Executor executor;
        private int concurrency = RunnerSettings.DEFAULT_CONCURRENCY;
        private List<String> tags = List.of();
        private String gitlabUrl = RunnerSettings.DEFAULT_GITLAB_URL;
        private String version = RunnerSettings.LATEST_VERSION;
        private String dockerImage = RunnerSettings.DEFAULT_DOCKER_IMAGE;
        private boolean privileged;
        private int drainSeconds = RunnerSettings.DEFAULT_DRAIN_SECONDS;
        private String scheduleStart;
        private String scheduleStop;
        private String timeZone = Schedule.DEFAULT_TIME_ZONE;
        private Integer scheduleRunners;
        private Integer volumeSize;
        /** null: s3, except on Windows without jobs using the instance role (see the record's check) */
        private CacheMode cache;
        private SecuritySettings security = SecuritySettings.DEFAULT;
        private String alarmTopicArn;
        private Integer maxUseCount;
        private Integer idleCount;
        private Integer idleSeconds;
        private String pluginVersion;
        private Scaling scaling;
        private Integer scheduleMin;

        public Builder name(String v) { name = v; return this; }
        public Builder runners(int v) { runners = v; runnersGiven = true; return this; }
        public Builder min(Integer v) { min = v; return this; }
        public Builder max(Integer v) { max = v; return this; }
        public Builder purchase(Purchase v) { purchase = v; return this; }
        public Builder arch(Arch v) { arch = v; return this; }
        public Builder os(OperatingSystem v) { os = v; return this; }
        public Builder instanceTypes(List<String> v) { instanceTypes = v == null ? List.of() : List.copyOf(v); return this; }
        public Builder allowUnknownInstanceTypes(boolean v) { allowUnknownTypes = v; return this; }
        public Builder executor(Executor v) { executor = v; return this; }
        public Builder concurrency(int v) { concurrency = v; return this; }
        public Builder tags(List<String> v) { tags = v == null ? List.of() : List.copyOf(v); return this; }
        public Builder gitlabUrl(String v) { gitlabUrl = v; return this; }
        public Builder runnerVersion(String v) { version = v; return this; }
        public Builder dockerImage(String v) { dockerImage = v; return this; }
        public Builder privileged(boolean v) { privileged = v; return this; }
        public Builder drainSeconds(int v) { drainSeconds = v; return this; }
        public Builder scheduleStart(String v) { scheduleStart = v; return this; }
        public Builder scheduleStop(String v) { scheduleStop = v; return this; }
        public Builder timeZone(String v) { timeZone = v; return this; }
        public Builder scheduleRunners(Integer v) { scheduleRunners = v; return this; }
        public Builder volumeSize(Integer v) { volumeSize = v; return this; }
        public Builder cache(CacheMode v) { cache = v; return this; }
        public Builder alarmTopicArn(String v) { alarmTopicArn = v; return this; }
        public Builder maxUseCount(Integer v) { maxUseCount = v; return this; }
        public Builder idleCount(Integer v) { idleCount = v; return this; }
        public Builder idleSeconds(Integer v) { idleSeconds = v; return this; }
        public Builder pluginVersion(String v) { pluginVersion = v; return this; }
        public Builder security(SecuritySettings v) { security = v == null ? SecuritySettings.DEFAULT : v; return this; }
        public Builder scaling(Scaling v) { scaling = v; return this; }
        public Builder scheduleMin(Integer v) { scheduleMin = v; return this; }

        public FleetSpec build() {
            // Graviton by default on Linux (the cheaper, faster choice); Windows Server is x86_64 only.
            Arch arch = this.arch != null ? this.arch : os == OperatingSystem.WINDOWS ? Arch.X86_64 : Arch.ARM64;
            requireArchForOs(os, arch);
            int fleetSize = this.executor == Executor.DOCKER_AUTOSCALER
                    ? (max != null ? max : AutoscalerSettings.DEFAULT_MAX_WORKERS) : Math.max(runners, max == null ? runners : max);
            if (purchase.onDemandBase() > 0 && purchase.onDemandBase() > fleetSize) {
                throw new BadInput("--on-demand-base", purchase.onDemandBase() + " is more than the fleet's "
                        + fleetSize + " instances");
            }
            Schedule schedule = null;
            if (scheduleStart != null || scheduleStop != null) {
                if (scheduleStart == null) {
                    throw new BadInput("--schedule-start", "is required with --schedule-stop");
                }
                if (scheduleStop == null) {
                    throw new BadInput("--schedule-stop", "is required with --schedule-start");
                }
                if (scaling == null && scheduleMin != null) {
                    throw new BadInput("--schedule-min", "needs --scale-on (without it the schedule starts --schedule-runners instances)");
                }
                schedule = new Schedule(scheduleStart, scheduleStop, timeZone, scaling != null ? windowMin()
                        : scheduleRunners != null ? scheduleRunners : Math.max(runners, 1));
            } else if (scheduleMin != null) {
                throw new BadInput("--schedule-min", "needs --schedule-start and --schedule-stop");
            } else if (scheduleRunners != null) {
                throw new BadInput("--schedule-runners", "needs --schedule-start and --schedule-stop");
            } else if (!Schedule.DEFAULT_TIME_ZONE.equals(timeZone)) {
                // accepted but only meaningful with a schedule; still validated so typos are caught
                new Schedule("0 0 * * *", "0 1 * * *", timeZone, 1);
            }
            if (scaling != null) {
                checkElastic(schedule != null);
            }
            // docker on Linux; Windows runners use the shell executor (docker is refused there)
            Executor executor = this.executor != null ? this.executor
                    : os == OperatingSystem.WINDOWS ? Executor.SHELL : Executor.DOCKER;
            AutoscalerSettings autoscaler = autoscaler(executor, schedule);
            int peak = schedule == null ? runners : Math.max(runners, schedule.runnersWhenStarted());
            Capacity capacity = autoscaler != null
                    ? new Capacity(0, 0, max != null ? max : AutoscalerSettings.DEFAULT_MAX_WORKERS)
                    : Capacity.fromDefaults(runners, scaling != null && min == null ? Integer.valueOf(1) : min,
                    scaling != null && max == null ? Integer.valueOf(defaultElasticMax(peak)) : max, peak);
            List<String> types = instanceTypes.isEmpty() ? InstanceCatalog.defaults(arch, purchase.usesSpot()) : instanceTypes;
            for (String t : types) {
                checkType(t, arch);
            }
            RunnerSettings runner = new RunnerSettings(executor, concurrency, tags, gitlabUrl, version, dockerImage, privileged,
                    drainSeconds);
            return new FleetSpec(name, capacity, purchase, arch, os, types, runner, schedule,
                    volumeSize != null ? volumeSize : defaultVolume(os), cache != null ? cache
                            : os == OperatingSystem.WINDOWS && !security.jobsUseInstanceRole() ? CacheMode.NONE : CacheMode.S3,
                    scaling, alarmTopicArn, autoscaler, security);
        }

        /** The docker-autoscaler settings, or null for instance runners (where their flags are refused). */
        private AutoscalerSettings autoscaler(Executor executor, Schedule schedule) {
            if (executor == Executor.DOCKER_AUTOSCALER && scaling != null) {
                throw new BadInput("--scale-on", "does not apply to --executor docker-autoscaler: its manager scales the workers");
            }
            if (executor != Executor.DOCKER_AUTOSCALER) {
                String given = maxUseCount != null ? "--max-use-count" : idleCount != null ? "--idle-count"
                        : idleSeconds != null ? "--idle-time" : pluginVersion != null ? "--fleeting-plugin-version" : null;
                if (given != null) {
                    throw new BadInput(given, "only applies to --executor docker-autoscaler");
                }
                return null;
            }
            if (os != OperatingSystem.LINUX) {
                throw new BadInput("--executor", "docker-autoscaler needs --os linux (its workers are Amazon Linux Docker hosts)");
            }
            String why = " does not apply to --executor docker-autoscaler: the manager sizes the worker group from the job queue"
                    + " (use --idle-count for warm capacity and --max for the ceiling)";
            if (runnersGiven) {
                throw new BadInput("--runners", why.substring(1));
            }
            if (min != null) {
                throw new BadInput("--min", why.substring(1));
            }
            if (scheduleRunners != null) {
                throw new BadInput("--schedule-runners", why.substring(1));
            }
            AutoscalerSettings.checkRunnerVersion(version);
            int useCount = maxUseCount != null ? maxUseCount : Math.max(AutoscalerSettings.DEFAULT_MAX_USE_COUNT, concurrency);
            if (useCount > 0 && useCount < concurrency) {
                throw new BadInput("--max-use-count", useCount + " is less than --concurrency " + concurrency
                        + ": an instance would be removed before its job slots are used (--concurrency 1 --max-use-count 1"
                        + " gives every job a fresh machine)");
            }
            List<String> periods = schedule == null ? List.of() : AutoscalerSettings.periods(schedule);
            return new AutoscalerSettings(useCount, idleCount != null ? idleCount : 0,
                    idleSeconds != null ? idleSeconds : AutoscalerSettings.DEFAULT_IDLE_SECONDS,
                    pluginVersion != null ? pluginVersion : AutoscalerSettings.DEFAULT_PLUGIN_VERSION, periods,
                    schedule == null ? timeZone : schedule.timeZone());
        }

        /**
         * Minimum inside a scheduled window of an elastic fleet: --schedule-min, else --min, at least 1, because
         * a group at zero instances publishes no metric and so can never see a queue.
         */
        private int windowMin() {
            if (scheduleRunners != null) {
                throw new BadInput("--schedule-runners", "with --scale-on a schedule sets the window's bounds, not a size: "
                        + "use --schedule-min (the policy sizes the group up to --max)");
            }
            int m = scheduleMin != null ? scheduleMin : Math.max(1, min == null ? 1 : min);
            if (m < 1) {
                throw new BadInput("--schedule-min", "must be at least 1: a group at 0 instances publishes no metric and cannot "
                        + "scale out (the schedule's stop takes it to 0; for scale-to-zero use --executor docker-autoscaler)");
            }
            return m;
        }

        /** --max of an elastic fleet when not given: room to grow (10), or the fixed default if that is more. */
        static int defaultElasticMax(int peak) {
            return Math.min(Capacity.MAX_LIMIT, Math.max(ELASTIC_DEFAULT_MAX, peak + Capacity.rollingBatch(peak)));
        }

        private void checkElastic(boolean scheduled) {
            if (min != null && min == 0 && !scheduled) {
                throw new BadInput("--min", "0 with --scale-on lets the policy scale in to no instances, which publish no "
                        + "metric, so the group could never scale out again; use --min 1 or more "
                        + "(for scale-to-zero use --executor docker-autoscaler)");
            }
        }

        private void checkType(String t, Arch arch) {
            if (!InstanceCatalog.isWellFormedName(t)) {
                throw new BadInput("--instance-types", "'" + t + "' is not an instance type name (e.g. m7g.large)");
            }
            InstanceType known = InstanceCatalog.find(t).orElse(null);
            if (known == null) {
                if (!allowUnknownTypes) {
                    throw new BadInput("--instance-types", "unknown instance type '" + t
                            + "'; check the name, or pass --allow-unknown-instance-types if you know it exists");
                }
                return;
            }
            if (known.arch() != arch) {
                throw new BadInput("--instance-types", t + " is " + known.arch().awsName() + " but --arch is " + arch.awsName());
            }
            if (os == OperatingSystem.WINDOWS && !known.windows()) {
                throw new BadInput("--instance-types", t + " cannot run Windows");
            }
        }
    }
}
