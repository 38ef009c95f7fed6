package dev.vending.fleet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vending.cfn.Fn;
import dev.vending.cfn.resource.CloudWatchAlarm;

/**
 * {@code --alarm-topic-arn}: an alarm when the group keeps fewer instances InService than it
 * desires for longer than a launch may take, i.e. bootstraps keep failing (each failed launch is
 * abandoned and replaced, so without it the fleet churns silently). Reads the group metrics the
 * template already collects every minute; desired minus in-service, so a scale-in or a schedule
 * that lowers both raises nothing.
 */
final class InServiceAlarm {
    static final String ALARM = "RunnersInServiceAlarm";

    private InServiceAlarm() {
    }

    static CloudWatchAlarm of(String topicArn, int launchTimeoutSeconds) {
        int minutes = launchTimeoutSeconds / 60;
        return new CloudWatchAlarm(ALARM)
                .description("vending: fewer runners in service than desired for " + minutes
                        + " minutes; read the bootstrap log streams of the fleet's log group")
                .metrics(List.of(groupMetric("desired", "GroupDesiredCapacity"), groupMetric("inService", "GroupInServiceInstances"),
                        expression("missing", "desired - inService")))
                .when("GreaterThanThreshold", 0).periods(minutes, minutes).treatMissingData("notBreaching").notify(topicArn);
    }

    private static Map<String, Object> groupMetric(String id, String name) {
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("Namespace", "AWS/AutoScaling");
        metric.put("MetricName", name);
        Map<String, Object> dimension = new LinkedHashMap<>();
        dimension.put("Name", "AutoScalingGroupName");
        dimension.put("Value", Fn.ref(FleetTemplate.ASG));
        metric.put("Dimensions", List.of(dimension));
        Map<String, Object> stat = new LinkedHashMap<>();
        stat.put("Metric", metric);
        stat.put("Period", 60);
        stat.put("Stat", "Average");
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("Id", id);
        q.put("MetricStat", stat);
        q.put("ReturnData", false);
        return q;
    }

    private static Map<String, Object> expression(String id, String expression) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("Id", id);
        q.put("Expression", expression);
        q.put("Label", "runners missing (desired - in service)");
        q.put("ReturnData", true);
        return q;
    }
}
