package dev.vending.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.vending.fleet.Scaling;
import software.amazon.awssdk.services.autoscaling.model.MetricStatistic;
import software.amazon.awssdk.services.autoscaling.model.MetricType;
import software.amazon.awssdk.services.autoscaling.model.TargetTrackingConfiguration;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/**
 * Which metric status reads for a policy, and the GetMetricData request it sends: the policy's own namespace, name,
 * dimensions, statistic, unit and period (EC2 Auto Scaling: the customized metric's Period defaults to 60 s), whole
 * periods up to the end of the current one; and what it makes of the datapoints.
 */
class StatusMetricTest {
    private static final String GROUP = "vending-elastic-runners";

    private static TargetTrackingConfiguration jobs(Integer period) {
        return TargetTrackingConfiguration.builder().targetValue(75.0).customizedMetricSpecification(m -> m.namespace(Scaling.NAMESPACE)
                .metricName(Scaling.METRIC_NAME).statistic(MetricStatistic.AVERAGE).unit("Percent").period(period)
                .dimensions(d -> d.name(Scaling.DIMENSION).value(GROUP))).build();
    }

    @Test
    void theMetricOfEachKindOfPolicy() {
        assertEquals(Optional.of(new ScalingMetric(Scaling.NAMESPACE, Scaling.METRIC_NAME, List.of(new ScalingMetric.Dimension(Scaling.DIMENSION, GROUP)),
                "Average", "Percent", 60)), ScalingMetric.of(jobs(null), GROUP), "no Period: 60 s");
        assertEquals(30, ScalingMetric.of(jobs(30), GROUP).orElseThrow().periodSeconds());
        assertEquals(Optional.of(new ScalingMetric("AWS/EC2", "CPUUtilization", List.of(new ScalingMetric.Dimension("AutoScalingGroupName", GROUP)),
                "Average", null, 300)), ScalingMetric.of(TargetTrackingConfiguration.builder().targetValue(60.0)
                        .predefinedMetricSpecification(p -> p.predefinedMetricType(MetricType.ASG_AVERAGE_CPU_UTILIZATION)).build(), GROUP));
        assertEquals(Optional.empty(), ScalingMetric.of(TargetTrackingConfiguration.builder().targetValue(60.0)
                .predefinedMetricSpecification(p -> p.predefinedMetricType(MetricType.ALB_REQUEST_COUNT_PER_TARGET).resourceLabel("app/x")).build(),
                GROUP), "needs the target group");
        assertEquals(Optional.empty(), ScalingMetric.of(TargetTrackingConfiguration.builder().targetValue(60.0)
                .customizedMetricSpecification(m -> m.metrics(q -> q.id("e").expression("m1 / m2"))).build(), GROUP), "metric math");
    }

    @Test
    void theRequestIsThePolicysMetricOverWholePeriods() {
        List<GetMetricDataRequest> sent = new ArrayList<>();
        CloudWatchClient recording = new CloudWatchClient() {
            @Override
            public GetMetricDataResponse getMetricData(GetMetricDataRequest request) {
                sent.add(request);
                return GetMetricDataResponse.builder().metricDataResults(r -> r.id("m")
                        .timestamps(Instant.parse("2026-12-02T10:13:00Z"), Instant.parse("2026-12-02T10:12:00Z")).values(40.0, 20.0)).build();
            }

            @Override
            public String serviceName() {
                return "monitoring";
            }

            @Override
            public void close() {
            }
        };
        ScalingMetric metric = ScalingMetric.of(jobs(null), GROUP).orElseThrow();
        StatusReport.MetricReading r = StatusReporter.read(new CloudWatchApi(recording), metric, Instant.parse("2026-12-02T10:13:27Z"));

        GetMetricDataRequest q = sent.get(0);
        assertEquals(Instant.parse("2026-12-02T10:14:00Z"), q.endTime(), "up to the end of the current minute (exclusive)");
        assertEquals(Instant.parse("2026-12-02T10:04:00Z"), q.startTime(), "ten whole minutes back");
        assertEquals(ScanBy.TIMESTAMP_DESCENDING, q.scanBy());
        MetricStat s = q.metricDataQueries().get(0).metricStat();
        assertEquals(60, s.period());
        assertEquals("Average", s.stat());
        assertEquals("Percent", s.unitAsString());
        assertEquals(Scaling.NAMESPACE, s.metric().namespace());
        assertEquals(Scaling.METRIC_NAME, s.metric().metricName());
        assertEquals(1, s.metric().dimensions().size(), "exactly the dimensions the watcher publishes with");
        assertEquals(Scaling.DIMENSION, s.metric().dimensions().get(0).name());
        assertEquals(GROUP, s.metric().dimensions().get(0).value());

        assertEquals(40.0, r.latest());
        assertEquals("2026-12-02T10:13:00Z", r.latestAt());
        assertEquals(30.0, r.recentMean());
        assertEquals(2, r.recentDatapoints());

        // a five-minute EC2 metric: aligned to five minutes, twenty minutes back
        sent.clear();
        StatusReporter.read(new CloudWatchApi(recording), new ScalingMetric("AWS/EC2", "CPUUtilization",
                List.of(new ScalingMetric.Dimension("AutoScalingGroupName", GROUP)), "Average", null, 300), Instant.parse("2026-12-02T10:13:27Z"));
        assertEquals(Instant.parse("2026-12-02T10:15:00Z"), sent.get(0).endTime());
        assertEquals(Instant.parse("2026-12-02T09:55:00Z"), sent.get(0).startTime());
        assertNull(sent.get(0).metricDataQueries().get(0).metricStat().unitAsString(), "no unit: every unit EC2 publishes");
    }

    @Test
    void newestValueAndTheMeanOfTheLastFiveMinutes() {
        ScalingMetric metric = ScalingMetric.of(jobs(null), GROUP).orElseThrow();
        Instant end = Instant.parse("2026-12-02T10:14:00Z");
        List<CloudWatchApi.Datapoint> points = List.of(
                new CloudWatchApi.Datapoint(Instant.parse("2026-12-02T10:05:00Z"), 100.0), // older than five minutes: not in the mean
                new CloudWatchApi.Datapoint(Instant.parse("2026-12-02T10:13:00Z"), 50.0),
                new CloudWatchApi.Datapoint(Instant.parse("2026-12-02T10:09:00Z"), 10.0),
                new CloudWatchApi.Datapoint(Instant.parse("2026-12-02T10:11:00Z"), 30.0));
        StatusReport.MetricReading r = StatusReporter.reading(metric, points, end);
        assertEquals(50.0, r.latest(), "the newest, whatever the order CloudWatch sent");
        assertEquals(30.0, r.recentMean());
        assertEquals(3, r.recentDatapoints());
        assertEquals(5, r.recentMinutes());

        StatusReport.MetricReading none = StatusReporter.reading(metric, List.of(), end);
        assertNull(none.latest());
        assertNull(none.recentMean());
        assertEquals(0, none.recentDatapoints());
        assertEquals(10, none.lookbackMinutes());
        assertNull(none.problem());
        assertTrue(none.latestAt() == null);
    }
}
