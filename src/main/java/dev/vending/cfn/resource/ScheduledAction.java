package dev.vending.cfn.resource;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/** AWS::AutoScaling::ScheduledAction with a cron recurrence in an IANA time zone. */
public final class ScheduledAction extends Resource {
    private Object autoScalingGroupName;
    private Object minSize;
    private Object maxSize;
    private Object desiredCapacity;
    private Object recurrence;
    private Object timeZone;

    public ScheduledAction(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::AutoScaling::ScheduledAction";
    }

    public ScheduledAction autoScalingGroupName(Object v) { autoScalingGroupName = v; return this; }
    public ScheduledAction minSize(Object v) { minSize = v; return this; }
    public ScheduledAction maxSize(Object v) { maxSize = v; return this; }
    public ScheduledAction desiredCapacity(Object v) { desiredCapacity = v; return this; }
    public ScheduledAction recurrence(Object v) { recurrence = v; return this; }
    public ScheduledAction timeZone(Object v) { timeZone = v; return this; }

    @Override
    protected Props properties() {
        return Props.of()
                .put("AutoScalingGroupName", autoScalingGroupName)
                .put("MinSize", minSize)
                .put("MaxSize", maxSize)
                .put("DesiredCapacity", desiredCapacity)
                .put("Recurrence", recurrence)
                .put("TimeZone", timeZone);
    }
}
