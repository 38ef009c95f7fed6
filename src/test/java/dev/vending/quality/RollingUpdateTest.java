package dev.vending.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.vending.cfn.TemplateFormat;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.FleetTemplate;
import dev.vending.fleet.OperatingSystem;
import dev.vending.testing.CfnEvaluator;
import dev.vending.testing.CfnEvaluator.Evaluated;
import dev.vending.testing.CfnYaml;

/**
 * Creation and updates at the seed's speed, evaluated as CloudFormation would (what reaches AWS):
 * <ul>
 * <li>CreationPolicy ResourceSignal: CloudFormation waits for Count success signals within Timeout
 * before the group is CREATE_COMPLETE; Count must be the group's DesiredCapacity, or creation fails
 * (too many) or returns before the runners exist (too few), e.g. 0 for a scheduled fleet created
 * outside its window.</li>
 * <li>AutoScalingRollingUpdate with WaitOnResourceSignals: each batch waits for its new instances'
 * signals, PauseTime being the timeout (not a fixed wait); a missing or FAILURE signal fails the
 * update, which rolls back. MaxBatchSize instances are replaced at once, so MaxSize / MaxBatchSize
 * bounds the batches; MinInstancesInService must be below MaxSize or CloudFormation refuses the update.</li>
 * <li>AutoScalingScheduledAction IgnoreUnmodifiedGroupSizeProperties keeps an update from resetting
 * what the schedule set.</li>
 * </ul>
 */
class RollingUpdateTest {
    private static final Map<String, Object> DEPLOY = FullTemplateDifferentialTest.deployParameters();

    @Test
    void everyRandomFleetIsCreatedOnSignalsAndReplacedInAtMostFourBatches() {
        long seed = RandomFleets.seed();
        System.out.println("RollingUpdateTest: seed " + seed + " (replay with -Dvending.seed=" + seed + ")");
        RandomFleets fleets = new RandomFleets(seed);
        for (int i = 0; i < Integer.getInteger("vending.rolling", 60); i++) {
            RandomFleets.Draw d = fleets.next();
            if (!d.hasFullTemplate()) {
                continue; // one manager, signalled once: AutoscalerFleetTemplateTest
            }
            for (boolean all : new boolean[] {false, true}) {
                String where = "seed " + seed + ", fleet #" + i + (all ? " (full template)" : "") + ": " + d.description();
                Map<String, Object> tree = CfnYaml.load(TemplateFormat.YAML.render(FleetTemplate.build(d.spec(), all)));
                Evaluated e = CfnEvaluator.of(tree).parameters(DEPLOY).evaluate();
                checkPolicies(e, d.spec(), where);
                checkMinInServiceBelowEveryAcceptedMaxSize(tree, where);
            }
        }
    }

    @Test
    void aScheduledFleetOfOneRunnerGrowingToFortyIsReplacedInFourBatches() {
        // today's defect: batch size 1 from --runners 1, so 40 scheduled runners took 40 batches of 15 minutes
        FleetSpec spec = FleetSpec.builder().runners(1).scheduleStart("0 8 * * 1-5").scheduleStop("0 18 * * 1-5")
                .scheduleRunners(40).build();
        Evaluated e = evaluate(spec, false, Map.of());
        Map<String, Object> rolling = rolling(e);
        assertEquals("13", text(rolling.get("MaxBatchSize")));
        assertTrue(Math.ceil(40 / 13.0) <= 4);
        assertEquals("true", text(CfnYaml.at(e.resources(), FleetTemplate.ASG, "UpdatePolicy", "AutoScalingScheduledAction",
                "IgnoreUnmodifiedGroupSizeProperties")));
        // created outside its window with no runners: CloudFormation must wait for none
        Evaluated outside = evaluate(spec, false, Map.of(FleetTemplate.P_RUNNER_COUNT, "0"));
        assertEquals("0", text(CfnYaml.at(outside.resources(), FleetTemplate.ASG, "CreationPolicy", "ResourceSignal", "Count")));
        assertEquals("0", text(outside.properties(FleetTemplate.ASG).get("DesiredCapacity")));
    }

    @Test
    void instancesMaySignalTheirOwnStackOnlyAndTheBootstrapSignalsTheGroup() {
        for (OperatingSystem os : OperatingSystem.values()) {
            FleetSpec spec = FleetSpec.builder().os(os).executor(os == OperatingSystem.WINDOWS
                    ? dev.vending.fleet.Executor.SHELL : dev.vending.fleet.Executor.DOCKER).runners(3).build();
            Evaluated e = evaluate(spec, false, Map.of());
            List<Map<String, Object>> statements = CfnYaml.at(e.properties("RunnerRole"), "Policies", 0, "PolicyDocument", "Statement");
            List<Map<String, Object>> cloudformation = statements.stream()
                    .filter(s -> String.valueOf(s.get("Action")).contains("cloudformation:")).toList();
            // the signal, and DescribeStacks for the failed bootstrap's "since the operation began" (docs/lifecycle.md)
            assertEquals(List.of("cloudformation:SignalResource, cloudformation:DescribeStacks"), cloudformation.stream()
                    .map(s -> String.valueOf(s.get("Action")).replaceAll("[\\[\\]]", "")).toList(), os + ": " + statements);
            for (Map<String, Object> s : cloudformation) {
                Object resource = s.get("Resource");
                assertTrue(String.valueOf(resource).matches("\\[?arn:aws:cloudformation:us-east-1:123456789012:stack/vending-test/[^*,]+]?"),
                        os + ": the stack's own id, no wildcard: " + resource);
            }
            Map<String, Object> ltData = CfnYaml.at(e.properties("RunnerLaunchTemplate"), "LaunchTemplateData");
            String userData = CfnEvaluator.userDataScript(ltData.get("UserData"));
            String signalResource = os == OperatingSystem.WINDOWS ? "$VendingSignalResource = 'RunnerGroup'"
                    : "VENDING_SIGNAL_RESOURCE='RunnerGroup'";
            assertTrue(userData.contains(signalResource), os + ": the user data names the group CloudFormation waits on");
            assertTrue(userData.contains(os == OperatingSystem.WINDOWS ? "Signal 'SUCCESS'" : "signal SUCCESS"), os.toString());
            assertTrue(userData.contains(os == OperatingSystem.WINDOWS ? "Signal 'FAILURE'" : "signal FAILURE"), os.toString());
        }
    }

    private static void checkPolicies(Evaluated e, FleetSpec spec, String where) {
        Map<String, Object> asg = e.properties(FleetTemplate.ASG);
        Map<String, Object> signal = CfnYaml.at(e.resources(), FleetTemplate.ASG, "CreationPolicy", "ResourceSignal");
        assertEquals(text(asg.get("DesiredCapacity")), text(signal.get("Count")), where + ": one signal per instance created");
        Map<String, Object> rolling = rolling(e);
        assertEquals("true", text(rolling.get("WaitOnResourceSignals")), where);
        assertEquals(text(signal.get("Timeout")), text(rolling.get("PauseTime")), where + ": PauseTime is the signal timeout");
        String expectedTimeout = spec.os() == OperatingSystem.WINDOWS ? "PT30M" : "PT15M";
        assertEquals(expectedTimeout, text(rolling.get("PauseTime")), where + ": the launch hook's timeout");
        long max = Long.parseLong(text(asg.get("MaxSize")));
        long batch = Long.parseLong(text(rolling.get("MaxBatchSize")));
        long min = Long.parseLong(text(rolling.get("MinInstancesInService")));
        int peak = spec.schedule() == null ? spec.capacity().desired()
                : Math.max(spec.capacity().desired(), spec.schedule().runnersWhenStarted());
        assertTrue(max >= peak, where + ": MaxSize holds the schedule's runners");
        assertTrue((max + batch - 1) / batch <= 4, where + ": " + max + " instances in batches of " + batch);
        assertTrue(min < max, where + ": MinInstancesInService " + min + " below MaxSize " + max);
        assertTrue(min + batch <= max || min == 0, where + ": a whole batch of new runners fits under MaxSize");
    }

    /**
     * MinInstancesInService is a number and MaxRunners' MinValue lies above it: every MaxRunners the
     * template accepts keeps the update valid, and the first one below is refused at the console.
     */
    private static void checkMinInServiceBelowEveryAcceptedMaxSize(Map<String, Object> tree, String where) {
        Object raw = CfnYaml.at(tree, "Resources", FleetTemplate.ASG, "UpdatePolicy", "AutoScalingRollingUpdate", "MinInstancesInService");
        assertTrue(raw instanceof Number, where + ": a number, not an expression CloudFormation would have to compare: " + raw);
        long min = ((Number) raw).longValue();
        long lowest = ((Number) CfnYaml.at(tree, "Parameters", FleetTemplate.P_MAX, "MinValue")).longValue();
        long highest = ((Number) CfnYaml.at(tree, "Parameters", FleetTemplate.P_MAX, "MaxValue")).longValue();
        // at least one above MinInstancesInService (and at least the schedule's runner count: SignalsAndScheduleTest)
        assertTrue(lowest >= min + 1, where);
        Random r = new Random(lowest);
        for (long maxRunners : new long[] {lowest, highest, lowest + r.nextInt((int) (highest - lowest + 1))}) {
            // one runner, at least one: an elastic full template refuses a minimum of 0 without a schedule (rule ScalingCanScaleOut)
            Evaluated e = CfnEvaluator.of(tree).parameters(DEPLOY).parameter(FleetTemplate.P_MAX, Long.toString(maxRunners))
                    .parameter(FleetTemplate.P_RUNNER_COUNT, "1").parameter(FleetTemplate.P_MIN, "1").evaluate();
            long evaluatedMin = Long.parseLong(text(rolling(e).get("MinInstancesInService")));
            assertTrue(evaluatedMin < Long.parseLong(text(e.properties(FleetTemplate.ASG).get("MaxSize"))), where);
        }
        if (lowest > 1) {
            assertThrows(CfnEvaluator.Rejected.class, () -> CfnEvaluator.of(tree).parameters(DEPLOY)
                    .parameter(FleetTemplate.P_MAX, Long.toString(lowest - 1)).parameter(FleetTemplate.P_RUNNER_COUNT, "1")
                    .parameter(FleetTemplate.P_MIN, "1").evaluate(), where);
        }
    }

    private static Evaluated evaluate(FleetSpec spec, boolean all, Map<String, String> parameters) {
        return CfnEvaluator.fromText(TemplateFormat.YAML.render(FleetTemplate.build(spec, all))).parameters(DEPLOY)
                .parameters(parameters).evaluate();
    }

    private static Map<String, Object> rolling(Evaluated e) {
        return CfnYaml.at(e.resources(), FleetTemplate.ASG, "UpdatePolicy", "AutoScalingRollingUpdate");
    }

    private static String text(Object v) {
        return String.valueOf(v);
    }
}
