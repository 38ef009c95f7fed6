package dev.vending.deploy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.vending.failure.Failure;
import dev.vending.fleet.FleetTemplate;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.model.Activity;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * `vending status`: the stack and its outputs, its group's counts, each instance, recent failed launches, an elastic
 * fleet's policy with its metric's current value, and the in-service alarm's state.
 */
public record StatusReporter(AwsSettings settings, DeployContext context) {
    /** How many failed or cancelled activities are shown. */
    static final int FAILED_LAUNCHES = 5;
    private static final Pattern INSTANCE_ID = Pattern.compile("\\bi-[0-9a-f]{8,17}\\b");

    public StatusReport status(String name) {
        try (Clients clients = new Clients(settings, context)) {
            clients.prepare(Clients.Service.AUTOSCALING, Clients.Service.EC2);
            return run(name, clients);
        } catch (SdkException e) {
            throw AwsFailures.of("status " + name, e);
        }
    }

    private StatusReport run(String name, Clients clients) {
        CloudFormationApi cfn = new CloudFormationApi(clients.cfn());
        Stack stack = cfn.describeStack(name)
                .orElseThrow(() -> new Failure(Failure.Kind.AWS, "stack " + name + " does not exist in " + clients.region));
        Map<String, String> outputs = StackWatch.outputs(stack);
        Future<StatusReport.Alarm> alarm = stack.stackStatus() == StackStatus.REVIEW_IN_PROGRESS ? null
                : Concurrently.start("alarm", () -> inServiceAlarm(cfn, stack.stackId(), clients));
        String groupName = outputs.get(FleetTemplate.OUT_ASG);
        if (groupName == null && stack.stackStatus() != StackStatus.REVIEW_IN_PROGRESS) {
            groupName = cfn.resources(stack.stackId()).stream().filter(r -> "AWS::AutoScaling::AutoScalingGroup".equals(r.resourceType())
                    && r.physicalResourceId() != null && !r.physicalResourceId().isEmpty()).map(r -> r.physicalResourceId()).findFirst().orElse(null);
        }
        StatusReport.Group group = null;
        StatusReport.Scaling scaling = null;
        List<StatusReport.Instance> instances = List.of();
        List<StatusReport.FailedLaunch> failed = List.of();
        if (groupName != null) {
            AutoScalingApi autoscaling = new AutoScalingApi(clients.autoscaling());
            String g = groupName;
            Future<List<Activity>> activities = Concurrently.start("activities", () -> autoscaling.failedActivities(g, FAILED_LAUNCHES));
            Optional<AutoScalingGroup> found = autoscaling.group(groupName);
            if (found.isEmpty()) {
                group = new StatusReport.Group(groupName, false, null, null, null, null);
            } else {
                AutoScalingGroup asg = found.get();
                long inService = asg.instances().stream().filter(i -> "InService".equals(i.lifecycleStateAsString())).count();
                group = new StatusReport.Group(groupName, true, asg.desiredCapacity(), asg.minSize(), asg.maxSize(), inService);
                Map<String, Instance> ec2 = new Ec2Api(clients.ec2()).instances(asg.instances().stream().map(i -> i.instanceId()).toList());
                List<StatusReport.Instance> list = new ArrayList<>();
                for (var i : asg.instances()) {
                    Instance e = ec2.get(i.instanceId());
                    list.add(new StatusReport.Instance(i.instanceId(),
                            e != null && "spot".equals(e.instanceLifecycleAsString()) ? "Spot" : "On-Demand",
                            e != null && e.instanceTypeAsString() != null ? e.instanceTypeAsString() : i.instanceType(), i.availabilityZone(),
                            e != null && e.state() != null ? e.state().nameAsString() : "?", i.lifecycleStateAsString(), i.healthStatus()));
                }
                instances = list;
                scaling = scaling(autoscaling.policies(groupName), asg, metric -> read(cloudWatch(clients), metric, Instant.now()));
            }
            failed = failedLaunches(Concurrently.join(activities), outputs.get(FleetTemplate.OUT_LOG_GROUP));
        }
        StatusReport.Group workers = null;
        String workerGroup = outputs.get(FleetTemplate.OUT_WORKER_ASG);
        // a stack whose outputs name the runner group but no worker group has none (the outputs are
        // missing only while a stack is being made, or on moto after a change set)
        if (workerGroup == null && outputs.get(FleetTemplate.OUT_ASG) == null && stack.stackStatus() != StackStatus.REVIEW_IN_PROGRESS) {
            workerGroup = cfn.resources(stack.stackId()).stream().filter(r -> FleetTemplate.WORKER_ASG.equals(r.logicalResourceId())
                    && r.physicalResourceId() != null && !r.physicalResourceId().isEmpty()).map(r -> r.physicalResourceId()).findFirst().orElse(null);
        }
        if (workerGroup != null) {
            String wg = workerGroup;
            // docker-autoscaler: the manager above, and the workers its plugin sizes
            workers = new AutoScalingApi(clients.autoscaling()).group(wg).map(asg -> new StatusReport.Group(wg, true,
                    asg.desiredCapacity(), asg.minSize(), asg.maxSize(),
                    asg.instances().stream().filter(i -> "InService".equals(i.lifecycleStateAsString())).count()))
                    .orElse(new StatusReport.Group(wg, false, null, null, null, null));
        }
        return new StatusReport(name, clients.region, stack.stackId(), stack.stackStatusAsString(), stack.stackStatusReason(), outputs,
                group, instances, failed, StackWatch.consoleLink(clients.region, stack.stackId()), scaling, workers,
                alarm == null ? null : Concurrently.join(alarm));
    }

    private static CloudWatchApi cloudWatch(Clients clients) {
        return new CloudWatchApi(clients.cloudwatch());
    }

    /**
     * The first target tracking policy of the group with its metric's current value ({@code reader}), or null (a fixed
     * or scheduled fleet).
     */
    static StatusReport.Scaling scaling(List<software.amazon.awssdk.services.autoscaling.model.ScalingPolicy> policies,
            AutoScalingGroup asg, Function<ScalingMetric, StatusReport.MetricReading> reader) {
        var policy = policies.stream().filter(p -> "TargetTrackingScaling".equals(p.policyType()) && p.targetTrackingConfiguration() != null)
                .findFirst().orElse(null);
        if (policy == null) {
            return null;
        }
        var tt = policy.targetTrackingConfiguration();
        String metric;
        if (tt.predefinedMetricSpecification() != null) {
            metric = tt.predefinedMetricSpecification().predefinedMetricTypeAsString();
        } else if (tt.customizedMetricSpecification() != null) {
            var m = tt.customizedMetricSpecification();
            metric = m.namespace() + "/" + m.metricName() + " (" + m.statisticAsString() + ")";
        } else {
            metric = "?";
        }
        StatusReport.MetricReading current = ScalingMetric.of(tt, asg.autoScalingGroupName()).map(reader)
                .orElse(new StatusReport.MetricReading(null, null, null, null, null, null, null, 0, null, null,
                        "status reads a policy's metric in the simple form (namespace, name, dimensions) or a predefined group metric only"));
        List<String> protectedIds = asg.instances().stream().filter(i -> Boolean.TRUE.equals(i.protectedFromScaleIn()))
                .map(i -> i.instanceId()).toList();
        return new StatusReport.Scaling(policy.policyName(), metric, tt.targetValue(), protectedIds, current);
    }

    /** Minutes searched back for the newest datapoint: ten, or four periods of a five-minute metric. */
    static int lookbackMinutes(int periodSeconds) {
        return Math.max(10, 4 * periodSeconds / 60);
    }

    /**
     * Reads the metric up to the end of the current period (its value so far included), from a start aligned to
     * the period, so each value covers one whole period as the policy's alarms see it. A failed call is reported in
     * the reading (e.g. credentials without cloudwatch:GetMetricData), not as a failed status.
     */
    static StatusReport.MetricReading read(CloudWatchApi cloudwatch, ScalingMetric metric, Instant now) {
        long period = metric.periodSeconds();
        Instant end = Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), period) * period + period);
        Instant start = end.minusSeconds(lookbackMinutes(metric.periodSeconds()) * 60L);
        try {
            return reading(metric, cloudwatch.datapoints(metric, start, end), end);
        } catch (SdkException e) {
            return new StatusReport.MetricReading(metric.namespace(), metric.name(), metric.statistic(), metric.periodSeconds(), null, null,
                    null, 0, null, lookbackMinutes(metric.periodSeconds()), "not read: " + AwsFailures.describe(e));
        }
    }

    /** The newest value and the mean of the last five minutes' values (at least the newest period) before {@code end}. */
    static StatusReport.MetricReading reading(ScalingMetric metric, List<CloudWatchApi.Datapoint> points, Instant end) {
        List<CloudWatchApi.Datapoint> newestFirst = points.stream()
                .sorted(Comparator.comparing(CloudWatchApi.Datapoint::timestamp).reversed()).toList();
        int recentMinutes = Math.max(5, metric.periodSeconds() / 60);
        Instant recentFrom = end.minusSeconds(recentMinutes * 60L);
        List<CloudWatchApi.Datapoint> recent = newestFirst.stream().filter(p -> !p.timestamp().isBefore(recentFrom)).toList();
        CloudWatchApi.Datapoint latest = newestFirst.isEmpty() ? null : newestFirst.get(0);
        Double mean = recent.isEmpty() ? null : recent.stream().mapToDouble(CloudWatchApi.Datapoint::value).average().orElseThrow();
        return new StatusReport.MetricReading(metric.namespace(), metric.name(), metric.statistic(), metric.periodSeconds(),
                latest == null ? null : latest.value(), latest == null ? null : latest.timestamp().toString(), mean, recent.size(), recentMinutes,
                lookbackMinutes(metric.periodSeconds()), null);
    }

    /** The in-service alarm; the stack's resources unreadable (a policy without ListStackResources) is said, not fatal. */
    private static StatusReport.Alarm inServiceAlarm(CloudFormationApi cfn, String stackId, Clients clients) {
        List<StackResourceSummary> resources;
        try {
            resources = cfn.resources(stackId);
        } catch (SdkException e) {
            return new StatusReport.Alarm(null, false, null, null, null, "not looked up: " + AwsFailures.describe(e));
        }
        return inServiceAlarm(resources, alarmName -> cloudWatch(clients).alarm(alarmName));
    }

    /**
     * The --alarm-topic-arn alarm named by the stack's resource (CloudFormation generates its name), with its state;
     * null when the stack has none. A failed DescribeAlarms is reported in the alarm, not as a failed status.
     */
    static StatusReport.Alarm inServiceAlarm(List<StackResourceSummary> resources, Function<String, Optional<MetricAlarm>> describe) {
        String name = resources.stream().filter(r -> FleetTemplate.IN_SERVICE_ALARM.equals(r.logicalResourceId())
                && r.physicalResourceId() != null && !r.physicalResourceId().isEmpty()).map(r -> r.physicalResourceId()).findFirst().orElse(null);
        if (name == null) {
            return null;
        }
        try {
            return describe.apply(name).map(a -> new StatusReport.Alarm(name, true, a.stateValueAsString(), a.stateReason(),
                    a.stateUpdatedTimestamp() == null ? null : a.stateUpdatedTimestamp().toString(), null))
                    .orElse(new StatusReport.Alarm(name, false, null, null, null, null));
        } catch (SdkException e) {
            return new StatusReport.Alarm(name, true, null, null, null, "not read: " + AwsFailures.describe(e));
        }
    }

    /** Each failed activity, with the bootstrap log stream of the instance it names (streams are "INSTANCE/bootstrap"). */
    static List<StatusReport.FailedLaunch> failedLaunches(List<Activity> activities, String logGroup) {
        List<StatusReport.FailedLaunch> out = new ArrayList<>();
        for (Activity a : activities) {
            String text = a.description() + " " + a.cause() + " " + a.statusMessage();
            Matcher m = INSTANCE_ID.matcher(text);
            String stream = logGroup != null && m.find() ? m.group() + "/bootstrap" : null;
            out.add(new StatusReport.FailedLaunch(String.valueOf(a.startTime()), a.statusCodeAsString(),
                    a.description(), a.statusMessage() != null ? a.statusMessage() : a.cause(), stream == null ? null : logGroup, stream));
        }
        return out;
    }
}
