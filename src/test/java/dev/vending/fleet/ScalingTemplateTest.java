package dev.vending.fleet;

import static dev.vending.testing.CfnYaml.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import dev.vending.cfn.TemplateFormat;
import dev.vending.failure.BadInput;
import dev.vending.testing.CfnEvaluator;
import dev.vending.testing.CfnEvaluator.Evaluated;

/**
 * What reaches AWS for every combination of scaling mode, schedule, OS and template shape, evaluated as
 * CloudFormation would (parameters, conditions, intrinsics).
 *
 * <p>Semantics asserted, from the AWS documentation: AWS::AutoScaling::ScalingPolicy with PolicyType
 * TargetTrackingScaling keeps TargetTrackingConfiguration.TargetValue by changing the group's desired capacity
 * within MinSize..MaxSize; PredefinedMetricType ASGAverageCPUUtilization is the group's average CPU; a
 * CustomizedMetricSpecification must name the metric exactly as published (namespace, name, the same dimensions)
 * and its statistic; DisableScaleIn false lets the policy remove instances. DefaultInstanceWarmup is the time
 * after InService before an instance's metrics count (and during which scale-in is held back). A ScheduledAction
 * sets the MinSize/MaxSize/DesiredCapacity it names and leaves the others.
 */
class ScalingTemplateTest {
    private static final Map<String, Object> DEPLOY = Map.of("VpcId", "vpc-1", "SubnetIds", "subnet-1,subnet-2",
            "RunnerToken", "glrt-test");
    private static final String START = "0 8 * * 1-5";
    private static final String STOP = "0 18 * * 1-5";

    /** One fleet shape and its expected scaling. */
    record Case(String name, FleetSpec spec, boolean allParameters, Map<String, Object> overrides, String mode, int target,
            boolean scheduled, int windowMin, int max) {
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (OperatingSystem os : OperatingSystem.values()) {
            List<String> modes = os == OperatingSystem.WINDOWS ? List.of("none", "cpu") : List.of("none", "cpu", "jobs");
            for (String mode : modes) {
                for (boolean scheduled : List.of(false, true)) {
                    FleetSpec.Builder b = FleetSpec.builder().os(os).runners(2);
                    int max = 3;
                    int windowMin = 2;
                    if (!mode.equals("none")) {
                        b.scaling(Scaling.parse(mode + ":" + (mode.equals("cpu") ? 60 : 75))).min(1).max(40);
                        max = 40;
                    }
                    if (scheduled) {
                        b.scheduleStart(START).scheduleStop(STOP);
                        if (!mode.equals("none")) {
                            b.scheduleMin(3);
                            windowMin = 3;
                        }
                    }
                    FleetSpec spec = b.build();
                    int target = mode.equals("cpu") ? 60 : 75;
                    String name = os.id() + "/" + mode + (scheduled ? "/scheduled" : "");
                    cases.add(new Case(name, spec, false, Map.of(), mode, target, scheduled, windowMin, max));
                    cases.add(new Case(name + "/full", spec, true, Map.of(), mode, target, scheduled, windowMin, max));
                }
                // the console user of the full template picks any mode, target and schedule the parameters accept
                for (boolean scheduled : List.of(false, true)) {
                    FleetSpec spec = FleetSpec.builder().os(os).build();
                    Map<String, Object> o = new HashMap<>(Map.of("ScalingMode", mode, "ScalingTarget", "33",
                            "MinRunners", "1", "MaxRunners", "25", "RunnerCount", "1", "ScheduleRunners", "4"));
                    o.put("ScheduleStart", scheduled ? START : "");
                    o.put("ScheduleStop", STOP);
                    cases.add(new Case(os.id() + "/" + mode + (scheduled ? "/scheduled" : "") + "/full, console values", spec, true,
                            o, mode, 33, scheduled, 4, 25));
                }
            }
        }
        return cases;
    }

    private static Evaluated evaluate(Case c) {
        String json = TemplateFormat.JSON.render(FleetTemplate.build(c.spec(), c.allParameters()));
        return CfnEvaluator.fromText(json).parameters(DEPLOY).parameters(c.overrides()).evaluate();
    }

    @Test
    void policyWarmupWindowBoundsRightsAndWatcherForEveryCombination() {
        List<Case> cases = cases();
        assertEquals(30, cases.size(), "Linux: 3 modes, Windows: 2; each with and without a schedule, generated, full and full with console values");
        for (Case c : cases) {
            Evaluated e = evaluate(c);
            String what = c.name();
            boolean scaling = !c.mode().equals("none");
            boolean linux = c.spec().os() == OperatingSystem.LINUX;
            Map<String, Object> group = e.properties(FleetTemplate.ASG);

            // the policy
            assertEquals(scaling, e.has(Elasticity.POLICY), what);
            if (scaling) {
                Map<String, Object> p = e.properties(Elasticity.POLICY);
                assertEquals("{Ref:RunnerGroup}", p.get("AutoScalingGroupName"), what);
                assertEquals("TargetTrackingScaling", p.get("PolicyType"), what);
                Map<String, Object> tt = at(p, "TargetTrackingConfiguration");
                assertEquals(String.valueOf(c.target()), String.valueOf(tt.get("TargetValue")), what);
                assertEquals(false, tt.get("DisableScaleIn"), what);
                if (c.mode().equals("cpu")) {
                    assertEquals(Map.of("PredefinedMetricType", "ASGAverageCPUUtilization"), tt.get("PredefinedMetricSpecification"), what);
                    assertNull(tt.get("CustomizedMetricSpecification"), what);
                } else {
                    Map<String, Object> m = at(tt, "CustomizedMetricSpecification");
                    assertEquals(Scaling.NAMESPACE, m.get("Namespace"), what);
                    assertEquals(Scaling.METRIC_NAME, m.get("MetricName"), what);
                    assertEquals(List.of(Map.of("Name", Scaling.DIMENSION, "Value", "{Ref:RunnerGroup}")), m.get("Dimensions"), what);
                    assertEquals("Average", m.get("Statistic"), what);
                    assertEquals("Percent", m.get("Unit"), what);
                    assertNull(tt.get("PredefinedMetricSpecification"), what);
                }
                assertEquals(String.valueOf(Scaling.warmupSeconds(c.spec().os())), String.valueOf(group.get("DefaultInstanceWarmup")), what);
                assertEquals(String.valueOf(c.max()), String.valueOf(group.get("MaxSize")), what);
            } else {
                assertFalse(group.containsKey("DefaultInstanceWarmup"), what);
            }

            // the schedule: the window's bounds (a fixed size without scaling), and 0 (0/0 with scaling) outside
            assertEquals(c.scheduled(), e.has("ScheduledStart"), what);
            assertEquals(c.scheduled(), e.has("ScheduledStop"), what);
            if (c.scheduled()) {
                Map<String, Object> start = e.properties("ScheduledStart");
                Map<String, Object> stop = e.properties("ScheduledStop");
                assertEquals(String.valueOf(c.windowMin()), String.valueOf(start.get("DesiredCapacity")), what);
                assertEquals("0", String.valueOf(stop.get("MinSize")), what);
                assertEquals("0", String.valueOf(stop.get("DesiredCapacity")), what);
                if (scaling) {
                    assertEquals(String.valueOf(c.windowMin()), String.valueOf(start.get("MinSize")), what);
                    assertEquals(String.valueOf(c.max()), String.valueOf(start.get("MaxSize")), what);
                    assertEquals("0", String.valueOf(stop.get("MaxSize")), what);
                    assertTrue(c.windowMin() >= 1, what + ": a group at 0 cannot see a queue");
                } else {
                    // a fixed size, with bounds that hold it (SignalsAndScheduleTest)
                    assertEquals(String.valueOf(c.windowMin()), String.valueOf(start.get("MinSize")), what);
                    assertTrue(Long.parseLong(String.valueOf(start.get("MaxSize"))) >= c.windowMin(), what);
                    assertEquals(String.valueOf(e.properties(FleetTemplate.ASG).get("MaxSize")), String.valueOf(stop.get("MaxSize")),
                            what + ": the stop puts back MaxRunners, whatever the start set");
                }
            }

            // the instance role: protection on its own group, metrics in its namespace only
            List<Map<String, Object>> statements = at(e.properties("RunnerRole"), "Policies", 0, "PolicyDocument", "Statement");
            Map<String, Map<String, Object>> bySid = new HashMap<>();
            statements.forEach(s -> bySid.put(String.valueOf(s.get("Sid")), s));
            assertEquals(scaling && linux, bySid.containsKey("ProtectBusyRunner"), what);
            assertEquals(c.mode().equals("jobs"), bySid.containsKey("PublishJobSlotMetric"), what);
            if (bySid.containsKey("ProtectBusyRunner")) {
                Map<String, Object> s = bySid.get("ProtectBusyRunner");
                assertEquals("autoscaling:SetInstanceProtection", s.get("Action"), what);
                assertEquals("arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:*:autoScalingGroupName/vending-test-runners",
                        s.get("Resource"), what);
            }
            if (bySid.containsKey("PublishJobSlotMetric")) {
                Map<String, Object> s = bySid.get("PublishJobSlotMetric");
                assertEquals("cloudwatch:PutMetricData", s.get("Action"), what);
                assertEquals(Map.of("StringEquals", Map.of("cloudwatch:namespace", Scaling.NAMESPACE)), s.get("Condition"), what);
            }

            // the watcher's settings in the user data
            String userData = CfnEvaluator.userDataScript(at(e.properties("RunnerLaunchTemplate"), "LaunchTemplateData", "UserData"));
            if (linux) {
                assertTrue(userData.contains("VENDING_METRIC_NAMESPACE='" + (c.mode().equals("jobs") ? Scaling.NAMESPACE : "") + "'\n"), what);
                assertTrue(userData.contains("VENDING_PROTECT_BUSY='" + (scaling ? "yes" : "") + "'\n"), what);
                assertTrue(userData.contains("listen_address = \\\"127.0.0.1:9252\\\""), what + ": runner metrics on loopback only");
            } else {
                assertFalse(userData.contains("MetricNamespace") || userData.contains("ProtectBusy"), what);
            }
        }
    }

    @Test
    void windowsFullTemplateOffersCpuOnly() {
        String json = TemplateFormat.JSON.render(FleetTemplate.build(FleetSpec.builder().os(OperatingSystem.WINDOWS).build(), true));
        assertThrows(CfnEvaluator.Rejected.class, () -> CfnEvaluator.fromText(json).parameters(DEPLOY)
                .parameter("ScalingMode", "jobs").evaluate());
        assertThrows(CfnEvaluator.Rejected.class, () -> CfnEvaluator.fromText(json).parameters(DEPLOY)
                .parameter("ScalingTarget", "101").evaluate());
    }

    @Test
    void defaultsOfAnElasticFleet() {
        FleetSpec s = FleetSpec.builder().scaling(Scaling.parse("jobs:75")).max(50).build();
        assertEquals(new Capacity(1, 1, 50), s.capacity(), "min 1 by default: a group at 0 publishes no metric");
        FleetSpec scheduled = FleetSpec.builder().scaling(Scaling.parse("cpu:60")).max(50).min(0).runners(0)
                .scheduleStart(START).scheduleStop(STOP).build();
        assertEquals(1, scheduled.schedule().runnersWhenStarted(), "inside the window at least 1");
        assertEquals(new Scaling(Scaling.Metric.CPU, 60), Scaling.parse(" CPU:60 "));
        assertEquals(new Capacity(1, 1, FleetSpec.ELASTIC_DEFAULT_MAX), FleetSpec.builder().scaling(Scaling.parse("cpu:60")).build().capacity(),
                "--max 10 unless given");
        assertEquals(new Capacity(40, 1, 50), FleetSpec.builder().scaling(Scaling.parse("cpu:60")).runners(40).build().capacity(),
                "or the fixed default when --runners needs more");
    }

    @Test
    void badInputNamesTheFlag() {
        Map<String, Consumer<FleetSpec.Builder>> bad = new java.util.LinkedHashMap<>();
        bad.put("--scale-on", b -> b.scaling(Scaling.parse("jobs:0")).max(5));
        bad.put("--scale-on ", b -> b.scaling(Scaling.parse("jobs:101")).max(5));
        bad.put("--scale-on  ", b -> b.scaling(Scaling.parse("cpu")).max(5));
        bad.put("--scale-on   ", b -> b.scaling(Scaling.parse("gpu:50")).max(5));
        bad.put("--scale-on    ", b -> b.scaling(Scaling.parse("jobs:7.5")).max(5));
        bad.put("--scale-on     ", b -> b.os(OperatingSystem.WINDOWS).scaling(Scaling.parse("jobs:75")).max(5));
        bad.put("--max", b -> b.scaling(Scaling.parse("cpu:60")).runners(10).max(10));
        bad.put("--min", b -> b.scaling(Scaling.parse("cpu:60")).min(0).max(5));
        bad.put("--min ", b -> b.scaling(Scaling.parse("cpu:60")).min(6).max(5));
        bad.put("--runners", b -> b.scaling(Scaling.parse("cpu:60")).runners(9).max(5));
        bad.put("--schedule-min", b -> b.scaling(Scaling.parse("cpu:60")).max(5).scheduleStart(START).scheduleStop(STOP).scheduleMin(0));
        bad.put("--schedule-min ", b -> b.scaling(Scaling.parse("cpu:60")).max(5).scheduleStart(START).scheduleStop(STOP).scheduleMin(6));
        bad.put("--schedule-min  ", b -> b.scheduleStart(START).scheduleStop(STOP).scheduleMin(2));
        bad.put("--schedule-min   ", b -> b.scaling(Scaling.parse("cpu:60")).max(5).scheduleMin(2));
        bad.put("--schedule-runners", b -> b.scaling(Scaling.parse("cpu:60")).max(5).scheduleStart(START).scheduleStop(STOP)
                .scheduleRunners(2));
        bad.forEach((flag, setup) -> {
            BadInput e = assertThrows(BadInput.class, () -> {
                FleetSpec.Builder b = FleetSpec.builder();
                setup.accept(b);
                b.build();
            }, flag);
            assertEquals(flag.strip(), e.option(), e.getMessage());
        });
    }
}
