package dev.vending.deploy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/** CloudWatch calls, one method each, pagination inside; stateless. */
final class CloudWatchApi {
    private final CloudWatchClient cloudwatch;

    CloudWatchApi(CloudWatchClient cloudwatch) {
        this.cloudwatch = cloudwatch;
    }

    /** One timestamped value of a metric statistic over one period (the period's start). */
    record Datapoint(Instant timestamp, double value) {
    }

    /**
     * The metric's statistic per period in [start, end) (end exclusive, start inclusive), newest first: GetMetricData
     * with one MetricStat query; an empty list when nothing was published.
     */
    List<Datapoint> datapoints(ScalingMetric metric, Instant start, Instant end) {
        List<Datapoint> out = new ArrayList<>();
        cloudwatch.getMetricDataPaginator(b -> b.startTime(start).endTime(end).scanBy(ScanBy.TIMESTAMP_DESCENDING)
                .metricDataQueries(q -> q.id("m").returnData(true).metricStat(s -> s.period(metric.periodSeconds()).stat(metric.statistic())
                        .unit(metric.unit()).metric(m -> m.namespace(metric.namespace()).metricName(metric.name())
                                .dimensions(metric.dimensions().stream().map(d -> software.amazon.awssdk.services.cloudwatch.model.Dimension
                                        .builder().name(d.name()).value(d.value()).build()).toList())))))
                .metricDataResults().stream().filter(r -> "m".equals(r.id())).forEach(r -> add(r, out));
        return out;
    }

    private static void add(MetricDataResult r, List<Datapoint> out) {
        for (int i = 0; i < Math.min(r.timestamps().size(), r.values().size()); i++) {
            out.add(new Datapoint(r.timestamps().get(i), r.values().get(i)));
        }
    }

    /** The metric alarm of that exact name, if it exists. */
    Optional<MetricAlarm> alarm(String name) {
        return cloudwatch.describeAlarms(b -> b.alarmNames(name)).metricAlarms().stream().filter(a -> name.equals(a.alarmName())).findFirst();
    }
}
