package dev.vending.cfn.resource;

import java.util.List;
import java.util.Map;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/** AWS::CloudWatch::Alarm on a metric-math expression ({@code Metrics}), with the same actions on ALARM and OK. */
public final class CloudWatchAlarm extends Resource {
    private String description;
    private List<Map<String, Object>> metrics;
    private String comparison;
    private double threshold;
    private int evaluationPeriods;
    private int datapointsToAlarm;
    private String treatMissingData;
    private Object action;

    public CloudWatchAlarm(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::CloudWatch::Alarm";
    }

    public CloudWatchAlarm description(String v) { description = v; return this; }
    /** Metric queries in order (ordered maps), exactly one with ReturnData true. */
    public CloudWatchAlarm metrics(List<Map<String, Object>> v) { metrics = List.copyOf(v); return this; }
    public CloudWatchAlarm when(String comparisonOperator, double v) { comparison = comparisonOperator; threshold = v; return this; }
    public CloudWatchAlarm periods(int evaluation, int toAlarm) { evaluationPeriods = evaluation; datapointsToAlarm = toAlarm; return this; }
    public CloudWatchAlarm treatMissingData(String v) { treatMissingData = v; return this; }
    public CloudWatchAlarm notify(Object topicArn) { action = topicArn; return this; }

    @Override
    protected Props properties() {
        return Props.of()
                .put("AlarmDescription", description)
                .put("Metrics", metrics)
                .put("ComparisonOperator", comparison)
                .put("Threshold", threshold)
                .put("EvaluationPeriods", evaluationPeriods)
                .put("DatapointsToAlarm", datapointsToAlarm)
                .put("TreatMissingData", treatMissingData)
                .put("AlarmActions", action == null ? null : List.of(action))
                .put("OKActions", action == null ? null : List.of(action));
    }
}
