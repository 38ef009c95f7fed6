package dev.vending.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.vending.cfn.CfnProperty;
import dev.vending.cfn.Condition;
import dev.vending.cfn.Fn;
import dev.vending.cfn.Parameter;
import dev.vending.cfn.Rule;
import dev.vending.cfn.Template;
import dev.vending.cfn.resource.PolicyDocument;
import dev.vending.cfn.resource.PolicyDocument.Statement;
import dev.vending.cfn.resource.ScalingPolicy;

/**
 * What an elastic fleet ({@code --scale-on}) adds to the template: the target tracking policy, the group's
 * instance warm-up, the schedule's window bounds, the instance role's metric and protection rights, and the
 * watcher's settings. Fixed by the spec in a generated template; parameters and conditions in the full one.
 *
 * @param hasScaling null when fixed; else the condition "a scaling mode is chosen"
 * @param onJobs     null when fixed; else the condition "scaling on the job-slot metric"
 * @param defaultScheduleRunners null when fixed; else the condition "ScheduleRunners is at its default"
 */
record Elasticity(FleetSpec spec, Condition hasScaling, Condition onJobs, Condition defaultScheduleRunners) {
    static final String POLICY = "RunnerScalingPolicy";
    static final String P_MODE = "ScalingMode";
    static final String P_TARGET = "ScalingTarget";
    static final int DEFAULT_TARGET = 75;

    static Elasticity fixed(FleetSpec spec) {
        return new Elasticity(spec, null, null, null);
    }

    /** The full template: mode and target are parameters (MinRunners and MaxRunners are the bounds). */
    static Elasticity parameters(Template t, FleetSpec spec) {
        String group = "Scaling (none keeps the runner count fixed)";
        boolean linux = spec.os() == OperatingSystem.LINUX;
        Scaling s = spec.scaling();
        t.add(Parameter.string(P_MODE).group(group).label("Scale on")
                .description(linux ? "none (fixed or scheduled size), cpu (group average CPU) or jobs (average job-slot "
                        + "utilisation the runners publish); the group moves between MinRunners and MaxRunners. "
                        + "Keep MinRunners at 1 or more: a group at 0 publishes no metric and cannot scale out"
                        : "none (fixed or scheduled size) or cpu (group average CPU; Windows runners publish no job-slot metric)")
                .defaultValue(s == null ? "none" : s.metric().id())
                .allowedValues(linux ? List.of("none", "cpu", "jobs") : List.of("none", "cpu")));
        t.add(Parameter.number(P_TARGET).group(group).label("Target (%)")
                .description("The average the policy keeps: CPU percent, or percent of job slots in use")
                .defaultValue(s == null ? DEFAULT_TARGET : s.target()).minValue(1).maxValue(100));
        Condition has = t.add(new Condition("HasScaling", Fn.not(Fn.equalTo(Fn.ref(P_MODE), "none"))));
        // A group at 0 publishes no metric and never scales out by itself: with a scaling mode, MinRunners 0 needs a
        // schedule whose start brings the group back (ScheduleRunners is at least 1). MinRunners' AllowedPattern
        // has one spelling of zero, so comparing text is exact.
        t.add(new Rule("ScalingCanScaleOut", null, List.of(new Rule.Assertion(
                Fn.not(Fn.and(Fn.not(Fn.equalTo(Fn.ref(P_MODE), "none")),
                        Fn.equalTo(Fn.ref(FleetTemplate.P_MIN), "0"),
                        Fn.or(Fn.equalTo(Fn.ref("ScheduleStart"), ""), Fn.equalTo(Fn.ref("ScheduleStop"), "")))),
                "With a scaling mode, set MinRunners to 1 or more, or give a schedule (ScheduleStart and ScheduleStop): "
                        + "a group at 0 instances publishes no metric and never scales out by itself."))));
        Condition jobs = linux ? t.add(new Condition("ScaleOnJobs", Fn.equalTo(Fn.ref(P_MODE), "jobs"))) : null;
        Condition defaultRunners = t.add(new Condition("DefaultScheduleRunners",
                Fn.equalTo(Fn.ref("ScheduleRunners"), Integer.toString(FleetValues.defaultScheduleRunners(spec)))));
        return new Elasticity(spec, has, jobs, defaultRunners);
    }

    private boolean full() {
        return hasScaling != null;
    }

    /** Whether the template can contain scaling at all. */
    boolean present() {
        return full() || spec.scaling() != null;
    }

    private boolean linux() {
        return spec.os() == OperatingSystem.LINUX;
    }

    /** DefaultInstanceWarmup of the group, or null to leave it out. */
    Object warmup() {
        int seconds = Scaling.warmupSeconds(spec.os());
        return full() ? Fn.ifThen(hasScaling, seconds, Fn.NO_VALUE) : spec.scaling() == null ? null : seconds;
    }

    /** Adds the target tracking policy on the group. */
    void addPolicy(Template t, Object groupRef) {
        if (!present()) {
            return;
        }
        Map<String, Object> cpu = ScalingPolicy.predefined("ASGAverageCPUUtilization", full() ? Fn.ref(P_TARGET) : spec.scaling().target());
        Map<String, Object> jobs = ScalingPolicy.customized(Scaling.NAMESPACE, Scaling.METRIC_NAME, Scaling.DIMENSION,
                groupRef, "Average", "Percent", full() ? Fn.ref(P_TARGET) : spec.scaling().target());
        Object config;
        if (full()) {
            config = onJobs == null ? cpu : Fn.ifThen(onJobs, jobs, cpu);
        } else {
            config = spec.scaling().metric() == Scaling.Metric.JOBS ? jobs : cpu;
        }
        t.add(new ScalingPolicy(POLICY).autoScalingGroupName(groupRef).targetTracking(config)).onlyIf(hasScaling);
    }

    /**
     * Scheduled start's MaxSize: MaxRunners, whose MinValue is at least the schedule's runner count (its default in
     * the full template, {@link UpdateBatches#lowestMax}). The full template's ScheduleRunners is a parameter that
     * CloudFormation cannot compare with MaxRunners, so without scaling (where MaxSize bounds nothing but the
     * schedule's own size) another ScheduleRunners gets the largest MaxSize the template accepts, which holds any
     * ScheduleRunners and a rolling batch above it. With scaling MaxSize is the policy's limit: MaxRunners.
     */
    Object startMax(Object max) {
        return full() ? Fn.ifThen(hasScaling, max, Fn.ifThen(defaultScheduleRunners, max, Capacity.MAX_LIMIT)) : max;
    }

    /**
     * Scheduled stop's MaxSize: 0 with scaling (nights are 0/0). Without scaling the stop puts back MaxRunners, which
     * the full template's start may have raised (see {@link #startMax}): a later switch to a scaling mode must not
     * find the group's MaxSize at that limit (CloudFormation sets MaxSize only when the template's value changes).
     * The generated template does the same, so both create the same actions (FullTemplateDifferentialTest).
     */
    Object stopMax(Object max) {
        return full() ? Fn.ifThen(hasScaling, 0, max) : spec.scaling() == null ? max : 0;
    }

    /** Instance role statements: publish the job-slot metric (its namespace only), protect itself (its group only). */
    List<CfnProperty> statements(Object groupArn) {
        List<CfnProperty> out = new ArrayList<>();
        if (!present() || !linux()) {
            return out;
        }
        Statement protect = Statement.allow("ProtectBusyRunner", List.of("autoscaling:SetInstanceProtection"), List.of(groupArn));
        out.add(full() ? new PolicyDocument.Conditional(hasScaling, protect, null) : protect);
        // PutMetricData has no resource-level permissions; the namespace condition key limits it to our namespace
        Statement publish = Statement.allow("PublishJobSlotMetric", List.of("cloudwatch:PutMetricData"), List.of("*"))
                .withCondition(Map.of("StringEquals", Map.of("cloudwatch:namespace", Scaling.NAMESPACE)));
        if (full()) {
            out.add(new PolicyDocument.Conditional(onJobs, publish, null));
        } else if (spec.scaling().metric() == Scaling.Metric.JOBS) {
            out.add(publish);
        }
        return out;
    }

    /** Fn::Sub values for the Linux bootstrap header: namespace to publish to ('' = none), protect busy runners ('' = no). */
    Map<String, Object> watcherVariables() {
        if (!linux()) {
            return Map.of();
        }
        Object namespace;
        Object protect;
        if (full()) {
            namespace = Fn.ifThen(onJobs, Scaling.NAMESPACE, "");
            protect = Fn.ifThen(hasScaling, "yes", "");
        } else {
            namespace = spec.scaling() != null && spec.scaling().metric() == Scaling.Metric.JOBS ? Scaling.NAMESPACE : "";
            protect = spec.scaling() != null ? "yes" : "";
        }
        return Map.of("MetricNamespace", namespace, "ProtectBusy", protect);
    }
}
