package dev.vending.fleet;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.vending.bootstrap.Placeholder;
import dev.vending.cfn.CfnValue;
import dev.vending.cfn.Condition;
import dev.vending.cfn.Fn;
import dev.vending.cfn.Intrinsic;
import dev.vending.cfn.Parameter;
import dev.vending.cfn.Rule;
import dev.vending.cfn.Template;
import dev.vending.cfn.resource.AutoScalingGroup.MixedInstancesPolicy.OptionalType;

/**
 * Each fleet option's value in the template: either fixed by the spec (a generated template,
 * {@link #fixed}) or a template parameter or condition (the full template, {@code generate
 * --all-parameters}, {@link #parameters}). {@link FleetTemplate} reads every such option through
 * here, so both shapes share one builder.
 *
 * @param instanceTypes     instance type names, or {@link OptionalType}s of the full template
 * @param spotStrategy      null to leave the property out
 * @param capacityRebalance null to leave the property out
 * @param hasCache          null when the cache is decided by the spec; else the condition of the cache resources
 * @param schedule          null when the fleet has no schedule
 * @param bootstrapPlaceholders placeholders taken from template parameters instead (Fn::Sub text), none when fixed
 */
record FleetValues(List<?> instanceTypes, CfnValue onDemandBase, CfnValue onDemandPercentAboveBase, CfnValue spotStrategy,
        CfnValue capacityRebalance, CfnValue hopLimit, CfnValue volumeSize, Condition hasCache, ScheduleValues schedule,
        Map<Placeholder, String> bootstrapPlaceholders, CfnValue runnerTags, CfnValue outputTags) {

    /** Scheduled start/stop values; {@code condition} null when always present. */
    record ScheduleValues(CfnValue start, CfnValue stop, CfnValue timeZone, CfnValue runners, Condition condition) {
    }

    static final int OPTIONAL_TYPE_SLOTS = 5;
    static final String SPOT_STRATEGY = "price-capacity-optimized";

    static FleetValues fixed(FleetSpec spec) {
        Purchase p = spec.purchase();
        Schedule s = spec.schedule();
        return new FleetValues(spec.instanceTypes(), CfnValue.of(p.onDemandBase()), CfnValue.of(p.onDemandPercentAboveBase()),
                p.usesSpot() ? CfnValue.of(SPOT_STRATEGY) : null, p.usesSpot() ? CfnValue.of(true) : null,
                CfnValue.of(jobsReachImds(spec) ? 2 : 1), CfnValue.of(spec.volumeSizeGiB()), null,
                s == null ? null : new ScheduleValues(CfnValue.of(s.start().text()), CfnValue.of(s.stop().text()),
                        CfnValue.of(s.timeZone()), CfnValue.of(s.runnersWhenStarted()), null),
                Map.of(), CfnValue.of(String.join(",", spec.runnerTags().everyInstance(p))),
                CfnValue.of(String.join(",", spec.runnerTags().everyInstance(p))));
    }

    /** The full template's ScheduleRunners default: the schedule's runner count, else the fleet's size (at least 1). */
    static int defaultScheduleRunners(FleetSpec spec) {
        return spec.schedule() == null ? Math.max(1, spec.capacity().desired()) : spec.schedule().runnersWhenStarted();
    }

    /** Hop limit 2 lets bridge-network containers reach IMDSv2: only when jobs may use the instance role. */
    private static boolean jobsReachImds(FleetSpec spec) {
        return spec.runner().executor() == Executor.DOCKER && spec.security().jobsUseInstanceRole();
    }

    static FleetValues parameters(Template t, FleetSpec spec) {
        boolean linux = spec.os() == OperatingSystem.LINUX;
        String gRunner = "Runner";
        String gPurchase = "Instances and purchase options";
        String gSchedule = "Schedule (leave start empty for always on)";
        Map<Placeholder, String> placeholders = new EnumMap<>(Placeholder.class);

        Parameter executor = null;
        if (linux) {
            executor = t.add(Parameter.string("Executor").group(gRunner).label("Executor")
                    .description("GitLab Runner executor").defaultValue(spec.runner().executor().id())
                    .allowedValues(List.of("docker", "shell")));
            placeholders.put(Placeholder.EXECUTOR, "${Executor}");
        }
        t.add(Parameter.number("Concurrency").group(gRunner).label("Jobs per instance")
                .description("Jobs each instance runs at once").defaultValue(spec.runner().concurrency())
                .minValue(1).maxValue(RunnerSettings.MAX_CONCURRENCY));
        placeholders.put(Placeholder.CONCURRENCY, "${Concurrency}");
        Parameter userTags = t.add(Parameter.string("RunnerTags").group(gRunner).label("Extra runner tags")
                .description("Comma-separated extra runner tags (legacy registration tokens; glrt- runners take tags from GitLab)")
                .defaultValue(String.join(",", spec.runner().tags())).maxLength(RunnerSettings.MAX_USER_TAGS_LENGTH)
                .allowedPattern("^$|^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}(,[A-Za-z0-9][A-Za-z0-9_.:-]{0,62})*$"));
        placeholders.put(Placeholder.USER_TAGS, "${RunnerTags}");
        t.add(Parameter.string("RunnerVersion").group(gRunner).label("GitLab Runner version")
                .description("latest, or an exact version such as 17.5.2").defaultValue(spec.runner().version())
                .allowedPattern("^(latest|[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3})$"));
        placeholders.put(Placeholder.RUNNER_VERSION, "${RunnerVersion}");
        t.add(Parameter.number("DrainTimeout").group(gRunner).label("Drain timeout (seconds)")
                .description("Longest a terminating runner waits for running jobs before it unregisters")
                .defaultValue(spec.runner().drainSeconds()).minValue(60).maxValue(RunnerSettings.MAX_DRAIN_SECONDS));
        placeholders.put(Placeholder.DRAIN_LIMIT, "${DrainTimeout}");
        if (linux) {
            t.add(Parameter.string("DockerImage").group(gRunner).label("Default job image (docker)")
                    .defaultValue(spec.runner().dockerImage()).allowedPattern("^[a-z0-9][a-z0-9._/:@-]{0,254}$"));
            placeholders.put(Placeholder.DOCKER_IMAGE, "${DockerImage}");
            t.add(Parameter.string("DockerPrivileged").group(gRunner).label("Privileged job containers (docker-in-docker)")
                    .description("true makes every job root on the host: it can then pass the firewall rules, reach the "
                            + "instance metadata service and so the instance role (docs/security.md)")
                    .defaultValue(Boolean.toString(spec.runner().privileged())).allowedValues(List.of("false", "true")));
            placeholders.put(Placeholder.DOCKER_PRIVILEGED, "${DockerPrivileged}");
            placeholders.put(Placeholder.FIXED_TAGS, String.join(",", RunnerTags.fixed(spec.os(), spec.arch(), "${Executor}")));
        }

        List<Object> types = new ArrayList<>();
        t.add(Parameter.string("InstanceType1").group(gPurchase).label("Instance type (first choice)")
                .defaultValue(spec.instanceTypes().get(0)).allowedPattern("^[a-z][a-z0-9-]*\\.[a-z0-9]+$")
                .description("All instance types must be " + spec.arch().awsName() + " (the AMI's architecture)"));
        types.add(Fn.ref("InstanceType1"));
        // at least the spec's types: the full template must not drop any of them
        for (int i = 2; i <= Math.max(OPTIONAL_TYPE_SLOTS + 1, spec.instanceTypes().size()); i++) {
            String id = "InstanceType" + i;
            t.add(Parameter.string(id).group(gPurchase).label("Instance type " + i + " (optional)")
                    .defaultValue(spec.instanceTypes().size() >= i ? spec.instanceTypes().get(i - 1) : "")
                    .allowedPattern("^$|^[a-z][a-z0-9-]*\\.[a-z0-9]+$"));
            Condition present = t.add(new Condition("Has" + id, Fn.not(Fn.equalTo(Fn.ref(id), ""))));
            types.add(new OptionalType(present, Fn.ref(id)));
        }
        t.add(Parameter.number("OnDemandBaseCapacity").group(gPurchase).label("On-Demand base")
                .description("Instances that are always On-Demand").defaultValue(spec.purchase().onDemandBase())
                .minValue(0).maxValue(Capacity.LIMIT));
        // A String with a pattern, not a Number: the value indexes a list and is compared as text, so
        // "050" or "50.5" must be refused at the console rather than fail or mismatch at deploy time.
        t.add(Parameter.string("SpotPercent").group(gPurchase).label("Spot share above the base (%)")
                .description("0 = all On-Demand, 100 = all Spot").defaultValue(Integer.toString(spec.purchase().spotPercent()))
                .allowedPattern("^(100|[1-9]?[0-9])$").constraintDescription("a whole number from 0 to 100"));
        Condition usesSpot = t.add(new Condition("UsesSpot", Fn.not(Fn.equalTo(Fn.ref("SpotPercent"), "0"))));
        Condition allSpot = t.add(new Condition("AllSpot", Fn.and(Fn.equalTo(Fn.ref("SpotPercent"), "100"),
                Fn.equalTo(Fn.ref("OnDemandBaseCapacity"), "0"))));
        t.add(Parameter.number("VolumeSize").group(gPurchase).label("Root volume (GiB)")
                .defaultValue(spec.volumeSizeGiB()).minValue(FleetSpec.minVolume(spec.os())).maxValue(16_384));
        // Windows jobs share the runner's account, kept away from the instance role: no S3 cache there
        Condition hasCache = null;
        if (linux || spec.security().jobsUseInstanceRole()) {
            t.add(Parameter.string("CacheEnabled").group(gPurchase).label("Shared S3 cache")
                    .defaultValue(spec.cache() == CacheMode.S3 ? "true" : "false").allowedValues(List.of("true", "false")));
            hasCache = t.add(new Condition("HasCache", Fn.equalTo(Fn.ref("CacheEnabled"), "true")));
            placeholders.put(Placeholder.CACHE, "${CacheMode}");
        }

        Schedule s = spec.schedule();
        String cron = "^$|^[0-9A-Za-z*/,-]+ [0-9A-Za-z*/,-]+ [0-9A-Za-z*/,-]+ [0-9A-Za-z*/,-]+ [0-9A-Za-z*/,-]+$";
        t.add(Parameter.string("ScheduleStart").group(gSchedule).label("Start (cron)")
                .description("When the fleet scales up, e.g. 0 8 * * 1-5").defaultValue(s == null ? "" : s.start().text())
                .allowedPattern(cron));
        t.add(Parameter.string("ScheduleStop").group(gSchedule).label("Stop (cron)")
                .description("When the fleet scales to zero, e.g. 0 18 * * 1-5").defaultValue(s == null ? "0 18 * * 1-5" : s.stop().text())
                .allowedPattern(cron));
        t.add(Parameter.string("ScheduleTimeZone").group(gSchedule).label("Time zone (IANA)")
                .defaultValue(s == null ? Schedule.DEFAULT_TIME_ZONE : s.timeZone()).allowedPattern("^[A-Za-z0-9_+/-]{1,64}$"));
        t.add(Parameter.number("ScheduleRunners").group(gSchedule).label("Instances when started")
                .description("Instances inside the window; with a scaling mode the window's minimum, which must not exceed "
                        + "MaxRunners (CloudFormation cannot compare two numbers)")
                .defaultValue(defaultScheduleRunners(spec)).minValue(1).maxValue(Capacity.LIMIT));
        Condition hasSchedule = t.add(new Condition("HasSchedule", Fn.and(Fn.not(Fn.equalTo(Fn.ref("ScheduleStart"), "")),
                Fn.not(Fn.equalTo(Fn.ref("ScheduleStop"), "")))));
        // A start without a stop would silently be an always-on fleet; a stop without a start is "always on" as the
        // group's label says (the stop has a default).
        t.add(new Rule("ScheduleStartHasStop", null, List.of(new Rule.Assertion(
                Fn.not(Fn.and(Fn.not(Fn.equalTo(Fn.ref("ScheduleStart"), "")), Fn.equalTo(Fn.ref("ScheduleStop"), ""))),
                "A schedule start needs a schedule stop (ScheduleStop), or leave ScheduleStart empty for an always-on fleet."))));

        String fixed = String.join(",", RunnerTags.fixed(spec.os(), spec.arch(),
                executor == null ? spec.runner().executor().id() : "${Executor}"));
        Object fixedTags = fixed.contains("${") ? Fn.sub(fixed) : fixed;
        Intrinsic extra = Fn.ifThen(t.add(new Condition("HasRunnerTags", Fn.not(Fn.equalTo(Fn.ref(userTags), "")))),
                Fn.sub(",${RunnerTags}"), "");
        // what every runner has (RunnerTags.everyInstance): a mixed fleet's runners differ in computetype-*
        Intrinsic outputTags = Fn.join("", List.of(Fn.ifThen(allSpot, RunnerTags.SPOT + ",",
                Fn.ifThen(usesSpot, "", RunnerTags.ON_DEMAND + ",")), fixedTags, extra));
        // the launch template's EC2 tag starts as that set; each instance then tags itself with its own runner tags
        Intrinsic instanceTags = outputTags;
        CfnValue hopLimit = executor == null || !spec.security().jobsUseInstanceRole() ? CfnValue.of(1) : Fn.ifThen(t.add(new Condition("DockerExecutor",
                Fn.equalTo(Fn.ref(executor), "docker"))), 2, 1);
        // The On-Demand share is 100 - SpotPercent; CloudFormation has no arithmetic, so it is looked up
        // by index (Fn::Select takes a Ref as its index) in "100,99,...,0", split (one short string).
        StringBuilder onDemandBySpot = new StringBuilder();
        for (int spot = 0; spot <= 100; spot++) {
            onDemandBySpot.append(spot == 0 ? "" : ",").append(100 - spot);
        }
        return new FleetValues(types, Fn.ref("OnDemandBaseCapacity"),
                new Intrinsic("Fn::Select", List.of(Fn.ref("SpotPercent"), Fn.split(",", onDemandBySpot.toString()))),
                // without Spot both are left out, as in a generated template
                Fn.ifThen(usesSpot, SPOT_STRATEGY, Fn.NO_VALUE), Fn.ifThen(usesSpot, true, Fn.NO_VALUE), hopLimit, Fn.ref("VolumeSize"), hasCache,
                new ScheduleValues(Fn.ref("ScheduleStart"), Fn.ref("ScheduleStop"), Fn.ref("ScheduleTimeZone"),
                        Fn.ref("ScheduleRunners"), hasSchedule),
                placeholders, instanceTags, outputTags);
    }
}
