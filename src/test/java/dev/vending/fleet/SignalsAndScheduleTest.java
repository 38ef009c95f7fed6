package dev.vending.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vending.cfn.TemplateFormat;
import dev.vending.testing.CfnEvaluator;
import dev.vending.testing.CfnEvaluator.Evaluated;
import dev.vending.testing.CfnYaml;

/**
 * What the group's signals, update policy, schedule and rules mean to CloudFormation and Auto Scaling, evaluated
 * as CloudFormation would, for generated templates and full templates at values the console accepts:
 * <ul>
 * <li>AutoScalingRollingUpdate MinSuccessfulInstancesPercent: the share of a batch's new instances that must
 * signal success within PauseTime (needs WaitOnResourceSignals and PauseTime; AWS rounds up, 50% of 5 is 3).</li>
 * <li>CreationPolicy ResourceSignal Count: the success signals CloudFormation waits for before CREATE_COMPLETE;
 * an Integer whose docs give no minimum, so 0 means none: a fleet that starts with no runner waits for nothing.</li>
 * <li>ScheduledAction MinSize/MaxSize/DesiredCapacity: what the group's bounds and size become when the action
 * runs; a desired capacity above the group's MaxSize cannot be reached, so each window sets bounds that hold it.</li>
 * <li>Rules: assertions on parameter values that make the console refuse the stack before anything is created.</li>
 * </ul>
 */
class SignalsAndScheduleTest {
    private static final Map<String, Object> DEPLOY = Map.of(
            FleetTemplate.P_VPC, "vpc-0123456789abcdef0",
            FleetTemplate.P_SUBNETS, "subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb",
            FleetTemplate.P_RUNNER_TOKEN, "glrt-signals-test");
    private static final String START = "0 8 * * 1-5";
    private static final String STOP = "0 18 * * 1-5";

    @Test
    void aFewInstancesThatNeverSignalDoNotRollBackABigUpdateButABatchOfFailuresDoes() {
        for (OperatingSystem os : OperatingSystem.values()) {
            FleetSpec spec = FleetSpec.builder().os(os).executor(os == OperatingSystem.WINDOWS ? Executor.SHELL : Executor.DOCKER)
                    .runners(100).build();
            for (boolean all : new boolean[] {false, true}) {
                Map<String, Object> rolling = rolling(evaluate(spec, all, Map.of()));
                String what = os + (all ? " full template" : "");
                assertEquals("true", String.valueOf(rolling.get("WaitOnResourceSignals")), what);
                assertTrue(String.valueOf(rolling.get("PauseTime")).startsWith("PT"), what + ": the percentage needs a PauseTime");
                int percent = Integer.parseInt(String.valueOf(rolling.get("MinSuccessfulInstancesPercent")));
                int batch = Integer.parseInt(String.valueOf(rolling.get("MaxBatchSize")));
                assertEquals(32, batch, what + ": 100 runners (max 125) in batches of 32");
                int needed = successesNeeded(batch, percent);
                assertTrue(batch - needed >= 2, what + ": " + needed + " of " + batch + " must come up: a few bad Spot instances pass");
                assertTrue(needed > 0, what + ": a batch whose bootstraps all fail still fails the update");
                // small batches need every instance: one runner that never comes up is the whole batch
                assertEquals(1, successesNeeded(1, percent), what);
                assertEquals(4, successesNeeded(4, percent), what);
            }
        }
    }

    /** AWS: "if you update five instances with a minimum successful percentage of 50, three instances must signal success". */
    private static int successesNeeded(int instances, int percent) {
        return (int) Math.ceil(instances * percent / 100.0);
    }

    @Test
    void aFleetThatStartsWithNoRunnerWaitsForNoSignal() {
        FleetSpec scheduled = FleetSpec.builder().runners(0).scheduleStart(START).scheduleStop(STOP).scheduleRunners(5).build();
        FleetSpec fixed = FleetSpec.builder().runners(3).build();
        for (FleetSpec spec : List.of(scheduled, fixed)) {
            for (boolean all : new boolean[] {false, true}) {
                for (String count : List.of("0", "1", "7")) {
                    Evaluated e = evaluate(spec, all, Map.of(FleetTemplate.P_RUNNER_COUNT, count, FleetTemplate.P_MIN, "0"));
                    Object signals = CfnYaml.at(e.resources(), FleetTemplate.ASG, "CreationPolicy", "ResourceSignal", "Count");
                    assertEquals(count, String.valueOf(signals), "creation waits for one signal per runner it starts");
                    assertEquals(count, String.valueOf(e.properties(FleetTemplate.ASG).get("DesiredCapacity")));
                }
            }
        }
    }

    @Test
    void everyScheduledWindowHoldsItsRunnersUnderTheGroupsMaxSize() {
        // a generated template: MaxRunners may not go below the schedule's runners (today: 2 was accepted for 40)
        FleetSpec fixed = FleetSpec.builder().runners(1).scheduleStart(START).scheduleStop(STOP).scheduleRunners(40).build();
        String text = render(fixed, false);
        long lowest = ((Number) CfnYaml.at(CfnYaml.load(text), "Parameters", FleetTemplate.P_MAX, "MinValue")).longValue();
        assertEquals(40, lowest);
        assertThrows(CfnEvaluator.Rejected.class, () -> evaluate(fixed, false, Map.of(FleetTemplate.P_MAX, "39")));
        checkWindow(evaluate(fixed, false, Map.of(FleetTemplate.P_MAX, "40")), 40, 40, false, "generated, MaxRunners at its lowest");
        checkWindow(evaluate(fixed, false, Map.of()), 40, fixed.capacity().max(), false, "generated, defaults");

        FleetSpec elastic = FleetSpec.builder().scaling(Scaling.parse("jobs:75")).max(50).scheduleStart(START).scheduleStop(STOP)
                .scheduleMin(2).build();
        assertEquals(UpdateBatches.minInService(elastic) + 1,
                ((Number) CfnYaml.at(CfnYaml.load(render(elastic, false)), "Parameters", FleetTemplate.P_MAX, "MinValue")).intValue());
        checkWindow(evaluate(elastic, false, Map.of()), 2, 50, true, "generated elastic");

        // the full template, scaling off: at ScheduleRunners' default as the generated template (MaxRunners at least
        // that default); any other ScheduleRunners, above MaxRunners too, still starts them all (today: capped at MaxSize)
        assertThrows(CfnEvaluator.Rejected.class, () -> evaluate(fixed, true, Map.of(FleetTemplate.P_MAX, "39")));
        checkWindow(evaluate(fixed, true, Map.of(FleetTemplate.P_MAX, "40")), 40, 40, false, "full, defaults, MaxRunners at its lowest");
        Map<String, Object> full = new HashMap<>(Map.of("ScheduleStart", START, "ScheduleStop", STOP, "ScheduleRunners", "300",
                FleetTemplate.P_MAX, "40", FleetTemplate.P_RUNNER_COUNT, "0", FleetTemplate.P_MIN, "0"));
        checkWindow(evaluate(fixed, true, full), 300, Capacity.MAX_LIMIT, false, "full, ScheduleRunners 300 > MaxRunners 40");
        full.put("ScheduleRunners", "1");
        checkWindow(evaluate(fixed, true, full), 1, Capacity.MAX_LIMIT, false, "full, ScheduleRunners below its default");
        full.put("ScheduleRunners", String.valueOf(Capacity.LIMIT));
        Evaluated largest = evaluate(fixed, true, full);
        checkWindow(largest, Capacity.LIMIT, Capacity.MAX_LIMIT, false, "full, the largest ScheduleRunners");
        assertTrue(Capacity.LIMIT + Capacity.rollingBatch(Capacity.LIMIT) <= Capacity.MAX_LIMIT,
                "the largest window still has a rolling batch of room above it");

        // the full template, scaling on: the window is [ScheduleRunners, MaxRunners]
        full.putAll(Map.of("ScheduleRunners", "3", FleetTemplate.P_MAX, "60", Elasticity.P_MODE, "cpu"));
        checkWindow(evaluate(fixed, true, full), 3, 60, true, "full elastic");
        full.put("ScheduleRunners", "40");
        checkWindow(evaluate(fixed, true, full), 40, 60, true, "full elastic, ScheduleRunners at its default");
        checkWindow(evaluate(elastic, true, Map.of()), 2, 50, true, "full elastic at its defaults");
    }

    /** The start sets [min, max] with the size inside; the stop empties the group (elastic: 0/0). */
    private static void checkWindow(Evaluated e, long size, long max, boolean elastic, String what) {
        Map<String, Object> start = e.properties("ScheduledStart");
        Map<String, Object> stop = e.properties("ScheduledStop");
        long startMin = Long.parseLong(String.valueOf(start.get("MinSize")));
        long startMax = Long.parseLong(String.valueOf(start.get("MaxSize")));
        long desired = Long.parseLong(String.valueOf(start.get("DesiredCapacity")));
        assertEquals(size, desired, what);
        assertEquals(size, startMin, what + ": the start restores the minimum the stop took to 0");
        assertEquals(max, startMax, what);
        assertTrue(startMin <= desired && desired <= startMax, what + ": the window's size is inside its bounds");
        long minInService = Long.parseLong(String.valueOf(rolling(e).get("MinInstancesInService")));
        assertTrue(minInService < startMax, what + ": an update inside the window keeps MinInstancesInService below MaxSize");
        assertEquals("0", String.valueOf(stop.get("MinSize")), what);
        assertEquals("0", String.valueOf(stop.get("DesiredCapacity")), what);
        if (elastic) {
            assertEquals("0", String.valueOf(stop.get("MaxSize")), what + ": nothing scales out at night");
        } else if (stop.containsKey("MaxSize")) {
            // the full template: the stop puts back the group's own MaxSize (MaxRunners), whatever the start raised it to
            assertEquals(String.valueOf(e.properties(FleetTemplate.ASG).get("MaxSize")), String.valueOf(stop.get("MaxSize")), what);
        }
    }

    /**
     * Auto Scaling's scheduled actions set the group's bounds when they run; CloudFormation sets the group's MaxSize
     * only when the template's value changes. So whatever a night leaves in MaxSize stays after a stack update that
     * switches scaling on: the full template's stop puts back MaxRunners (with MinSize and DesiredCapacity 0, always
     * valid), so a policy never scales beyond MaxRunners because a schedule once raised the bound to its limit.
     */
    @Test
    void aNightWithoutScalingLeavesTheGroupAtMaxRunnersForALaterSwitchToScaling() {
        FleetSpec fixed = FleetSpec.builder().runners(1).scheduleStart(START).scheduleStop(STOP).scheduleRunners(40).build();
        // ScheduleRunners other than its default (40): without scaling the start's MaxSize is the template's limit
        Map<String, Object> p = new HashMap<>(Map.of("ScheduleStart", START, "ScheduleStop", STOP, "ScheduleRunners", "30",
                FleetTemplate.P_MAX, "60", FleetTemplate.P_RUNNER_COUNT, "0", FleetTemplate.P_MIN, "0"));
        Evaluated off = evaluate(fixed, true, p);
        long[] group = bounds(off.properties(FleetTemplate.ASG));
        group = run(off.properties("ScheduledStart"), group);
        assertEquals(Capacity.MAX_LIMIT, group[1], "the window raises MaxSize to hold any ScheduleRunners");
        group = run(off.properties("ScheduledStop"), group);
        assertEquals(0, group[2]);
        assertEquals(60, group[1], "the night puts MaxSize back to MaxRunners");
        // the update that switches scaling on: the group's MaxSize in the template is unchanged (Ref MaxRunners), so
        // CloudFormation leaves the group's actual MaxSize as the night left it
        p.put(Elasticity.P_MODE, "cpu");
        Evaluated on = evaluate(fixed, true, p);
        assertEquals(String.valueOf(off.properties(FleetTemplate.ASG).get("MaxSize")), String.valueOf(on.properties(FleetTemplate.ASG).get("MaxSize")));
        assertEquals(60, group[1], "the policy's limit is MaxRunners");
        group = run(on.properties("ScheduledStart"), group);
        assertEquals(60, group[1], "with scaling the window is [ScheduleRunners, MaxRunners]");
        group = run(on.properties("ScheduledStop"), group);
        assertEquals(0, group[1], "nights are 0/0 with scaling");
        // and back off: the next start raises MaxSize again, the stop restores it
        p.put(Elasticity.P_MODE, "none");
        Evaluated again = evaluate(fixed, true, p);
        group = run(again.properties("ScheduledStop"), run(again.properties("ScheduledStart"), group));
        assertEquals(60, group[1]);
    }

    /** [MinSize, MaxSize, DesiredCapacity] of a group or of the properties an action sets. */
    private static long[] bounds(Map<String, Object> props) {
        return new long[] {Long.parseLong(String.valueOf(props.get("MinSize"))), Long.parseLong(String.valueOf(props.get("MaxSize"))),
                Long.parseLong(String.valueOf(props.get("DesiredCapacity")))};
    }

    /** A scheduled action as Auto Scaling runs it: the properties it has replace the group's; the result must be valid. */
    private static long[] run(Map<String, Object> action, long[] group) {
        String[] keys = {"MinSize", "MaxSize", "DesiredCapacity"};
        long[] next = group.clone();
        for (int i = 0; i < keys.length; i++) {
            if (action.containsKey(keys[i])) {
                next[i] = Long.parseLong(String.valueOf(action.get(keys[i])));
            }
        }
        assertTrue(next[0] <= next[2] && next[2] <= next[1], "Auto Scaling refuses bounds that do not hold the size: " + List.of(next[0], next[1], next[2]));
        return next;
    }

    @Test
    void theConsoleRefusesAScheduleStartWithoutAStop() {
        FleetSpec spec = FleetSpec.builder().runners(2).build();
        CfnEvaluator.Rejected r = assertThrows(CfnEvaluator.Rejected.class,
                () -> evaluate(spec, true, Map.of("ScheduleStart", START, "ScheduleStop", "")));
        assertTrue(r.getMessage().contains("ScheduleStartHasStop") && r.getMessage().contains("needs a schedule stop"), r.getMessage());
        Evaluated both = evaluate(spec, true, Map.of("ScheduleStart", START, "ScheduleStop", STOP));
        assertTrue(both.has("ScheduledStart") && both.has("ScheduledStop"));
        Evaluated alwaysOn = evaluate(spec, true, Map.of("ScheduleStart", ""));
        assertFalse(alwaysOn.has("ScheduledStart"), "the stop's default alone is an always-on fleet, as the group's label says");
    }

    @Test
    void theConsoleRefusesAnElasticFleetThatCanReachZeroWithNoScheduleToBringItBack() {
        for (OperatingSystem os : OperatingSystem.values()) {
            FleetSpec spec = FleetSpec.builder().os(os).executor(os == OperatingSystem.WINDOWS ? Executor.SHELL : Executor.DOCKER)
                    .runners(2).build();
            List<String> modes = os == OperatingSystem.LINUX ? List.of("cpu", "jobs") : List.of("cpu");
            for (String mode : modes) {
                Map<String, Object> zero = Map.of(Elasticity.P_MODE, mode, FleetTemplate.P_MIN, "0", FleetTemplate.P_RUNNER_COUNT, "0",
                        "ScheduleStart", "");
                CfnEvaluator.Rejected r = assertThrows(CfnEvaluator.Rejected.class, () -> evaluate(spec, true, zero), os + " " + mode);
                assertTrue(r.getMessage().contains("ScalingCanScaleOut") && r.getMessage().contains("never scales out"), r.getMessage());
                // other spellings of zero never reach the rule: MinRunners' pattern has one spelling per number
                // (a Number parameter passes "00", "+0" or ".0" on as typed, which a text comparison misses)
                for (String other : List.of("00", "0000", "+0", "-0", ".0", "0.0", "0e0", " 0", "0 ")) {
                    Map<String, Object> p = Map.of(Elasticity.P_MODE, mode, FleetTemplate.P_MIN, other, FleetTemplate.P_RUNNER_COUNT, "0",
                            "ScheduleStart", "");
                    CfnEvaluator.Rejected bad = assertThrows(CfnEvaluator.Rejected.class, () -> evaluate(spec, true, p), other);
                    assertTrue(bad.getMessage().contains("Parameter 'MinRunners' must match pattern"), bad.getMessage());
                }
                // accepted: a minimum of 1, or a schedule whose start brings the group back (ScheduleRunners >= 1)
                Evaluated one = evaluate(spec, true, Map.of(Elasticity.P_MODE, mode, FleetTemplate.P_MIN, "1", "ScheduleStart", ""));
                assertEquals("1", String.valueOf(one.properties(FleetTemplate.ASG).get("MinSize")));
                Evaluated scheduled = evaluate(spec, true, Map.of(Elasticity.P_MODE, mode, FleetTemplate.P_MIN, "0",
                        FleetTemplate.P_RUNNER_COUNT, "0", "ScheduleStart", START, "ScheduleStop", STOP));
                assertTrue(scheduled.has("ScheduledStart"));
            }
            // the range MinValue/MaxValue gave the Number parameter: 0 to Capacity.LIMIT
            for (String accepted : List.of("0", "7", "10", "999", "1000", "4999", String.valueOf(Capacity.LIMIT))) {
                Evaluated e = evaluate(spec, true, Map.of(FleetTemplate.P_MIN, accepted, FleetTemplate.P_RUNNER_COUNT, accepted,
                        FleetTemplate.P_MAX, String.valueOf(Capacity.MAX_LIMIT)));
                assertEquals(accepted, String.valueOf(e.properties(FleetTemplate.ASG).get("MinSize")), "the group's MinSize is the text given");
            }
            for (String refused : List.of(String.valueOf(Capacity.LIMIT + 1), "9999", "10000", "-1", "1.5", "")) {
                assertThrows(CfnEvaluator.Rejected.class, () -> evaluate(spec, true, Map.of(FleetTemplate.P_MIN, refused)), refused);
            }
            // without scaling a group at 0 is simply stopped: nothing to refuse
            evaluate(spec, true, Map.of(Elasticity.P_MODE, "none", FleetTemplate.P_MIN, "0", FleetTemplate.P_RUNNER_COUNT, "0",
                    "ScheduleStart", ""));
        }
    }

    private static String render(FleetSpec spec, boolean all) {
        return TemplateFormat.YAML.render(FleetTemplate.build(spec, all));
    }

    private static Evaluated evaluate(FleetSpec spec, boolean all, Map<String, ?> parameters) {
        return CfnEvaluator.fromText(render(spec, all)).parameters(DEPLOY).parameters(parameters).evaluate();
    }

    private static Map<String, Object> rolling(Evaluated e) {
        return CfnYaml.at(e.resources(), FleetTemplate.ASG, "UpdatePolicy", "AutoScalingRollingUpdate");
    }
}
