package dev.vending.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vending.testing.CfnEvaluator.Evaluated;

/**
 * A rolling update launches the new docker-autoscaler manager while the old one drains (Auto Scaling
 * launches a replacement as soon as the old instance enters Terminating:Wait). The script the manager's
 * setup writes must hold the new runner service back until no other manager of its group is in service or
 * terminating, and never wait for a newer one. Runs the script exactly as the stack stores it, with a fake
 * {@code aws} that answers describe-auto-scaling-groups from a sequence of group states and applies the
 * script's JMESPath query with the jmespath library, as the AWS CLI does, then prints text output.
 */
@Tag("slow")
class ManagerHandoverTest {
    private static final String SELF = "i-0new";
    private static final String OLD = "i-0old";
    private static final String FAKE_AWS = String.join("\n",
            "#!/usr/bin/env python3",
            "import json, os, sys, jmespath",
            "args = sys.argv[1:]",
            "assert args[:2] == ['autoscaling', 'describe-auto-scaling-groups'], args",
            "group = args[args.index('--auto-scaling-group-names') + 1]",
            "query = args[args.index('--query') + 1]",
            "assert args[args.index('--output') + 1] == 'text'",
            "states = os.environ['FAKE_STATES']",
            "if os.path.exists(os.path.join(states, 'unreachable')):",
            "    sys.stderr.write('Could not connect to the endpoint URL\\n'); sys.exit(255)",
            "calls = os.path.join(states, 'calls')",
            "n = int(open(calls).read()) if os.path.exists(calls) else 0",
            "open(calls, 'w').write(str(n + 1))",
            "files = sorted(f for f in os.listdir(states) if f.endswith('.json'))",
            "doc = json.load(open(os.path.join(states, files[min(n, len(files) - 1)])))",
            "open(os.path.join(states, 'groups'), 'a').write(group + '\\n')",
            "result = jmespath.search(query, doc)",
            "if result is None: print('None')",
            "elif isinstance(result, list): print('\\t'.join(result)) if result else None",
            "else: print(result)",
            "");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsJmespath() throws Exception {
        dev.vending.testing.Python.requireModule("jmespath", "the AWS CLI's query library; moto brings it");
    }

    @Test
    void theNewManagerWaitsUntilTheOldOneHasDrainedAndGone() throws Exception {
        Result r = run("--wait",
                group(instance(OLD, "Terminating:Wait"), instance(SELF, "Pending:Wait")),
                group(instance(OLD, "Terminating:Wait"), instance(SELF, "InService")),
                group(instance(OLD, "Terminating:Proceed"), instance(SELF, "InService")),
                group(instance(SELF, "InService")));
        assertEquals(0, r.exit(), r.out());
        assertEquals(4, r.calls(), "polls until the old manager has left the group: " + r.out());
        assertTrue(r.out().contains("waiting for the previous runner manager (" + OLD + ")"), r.out());
        assertEquals(List.of(evaluated().properties("RunnerGroup").get("AutoScalingGroupName")), r.groups().stream().distinct().toList(),
                "asks about its own group (the setup's VENDING_MANAGER_ASG): the one the stack creates as RunnerGroup");
    }

    @Test
    void aManagerWithNoPredecessorStartsAtOnce() throws Exception {
        Result r = run("--wait", group(instance(SELF, "Pending:Wait")));
        assertEquals(0, r.exit(), r.out());
        assertEquals(1, r.calls());
    }

    @Test
    void aNewerManagerIsNeverWaitedFor() throws Exception {
        // the old manager's service restarting during its drain must not wait for its own replacement
        Result r = run("--wait", group(instance(SELF, "Terminating:Wait"), instance(OLD, "Pending:Wait")));
        assertEquals(0, r.exit(), r.out());
        assertEquals(1, r.calls());
    }

    @Test
    void onceReportsAPredecessorWithoutWaiting() throws Exception {
        Result busy = run("--once", group(instance(OLD, "InService"), instance(SELF, "Pending:Wait")));
        assertEquals(1, busy.exit(), busy.out());
        assertEquals(1, busy.calls());
        assertTrue(busy.out().contains(OLD), busy.out());
        Result free = run("--once", group(instance(SELF, "Pending:Wait")));
        assertEquals(0, free.exit(), free.out());
    }

    @Test
    void theBootstrapStartsTheRunnerThroughTheWaitAndDoesNotBlockOnIt() {
        String setup = AutoscalerFleetTemplateTest.managerSetup(evaluated());
        assertTrue(setup.contains("TimeoutStartSec=infinity"), "systemd would fail a start that waits longer than 90 s");
        assertTrue(setup.contains("ExecStartPre=/usr/local/sbin/vending-await-previous-manager $VENDING_MANAGER_ASG $INSTANCE_ID --wait"),
                "every start of the runner service waits for the predecessor");
        assertTrue(setup.contains("systemctl restart --no-block gitlab-runner"),
                "the bootstrap signals while the old manager drains, so an update does not wait for the drain");
        String userData = AutoscalerFleetTemplateTest.managerUserData(evaluated());
        assertTrue(userData.contains("if declare -F vending_start_runner >/dev/null; then vending_start_runner;"),
                "the common bootstrap starts the runner through the manager's own step");
    }

    /**
     * systemd.unit(5), After=: a unit ordered after another whose start job is queued waits for that job. The watcher
     * is ordered After= the runner (so that it stops first), so a start of the watcher after the manager's queued runner
     * start would wait for the previous manager's drain, and the launch hook would expire. The watcher and unregister
     * units start first; the runner start is the last systemctl before the lifecycle action and the signal.
     */
    @Test
    void theWatcherStartsBeforeTheRunnerSoTheSignalNeverWaitsForTheDrain() {
        List<String> lines = AutoscalerFleetTemplateTest.managerUserData(evaluated()).lines()
                .map(String::strip).filter(l -> !l.startsWith("#")).toList();
        int watcher = lines.indexOf("systemctl start vending-unregister vending-watcher");
        int runner = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("then vending_start_runner;")) {
                runner = i;
            }
        }
        int proceed = lines.indexOf("lifecycle CONTINUE");
        assertTrue(watcher >= 0 && runner >= 0 && proceed >= 0, "user data starts the watcher, the runner and completes the hook");
        assertTrue(watcher < runner, "the watcher starts before the runner's (possibly queued) start");
        assertTrue(runner < proceed && proceed < lines.indexOf("signal SUCCESS"), "the runner start precedes CONTINUE and SUCCESS");
        for (String l : lines.subList(runner + 1, proceed)) {
            assertTrue(!l.matches(".*\\bsystemctl\\b.*"), "no systemctl between the runner start and CONTINUE: " + l);
        }
        java.util.regex.Matcher unit = java.util.regex.Pattern.compile("(?s)cat >/etc/systemd/system/vending-watcher.service <<'UNIT'\n(.*?)\nUNIT\n")
                .matcher(AutoscalerFleetTemplateTest.managerUserData(evaluated()));
        assertTrue(unit.find(), "the user data writes the watcher unit");
        assertTrue(unit.group(1).contains("After=network-online.target gitlab-runner.service"),
                "still ordered after the runner, so at shutdown the watcher stops before the runner");
    }

    private static Evaluated evaluated() {
        return AutoscalerFleetTemplateTest.evaluate(AutoscalerFleetTemplateTest.spotArm(10).build());
    }

    private record Result(int exit, String out, int calls, List<String> groups) {
    }

    @Test
    void onceReportsAnUnreadableGroupAsSuchWithoutThePollSetting() throws Exception {
        // the bootstrap's --once call runs outside the unit, without VENDING_AWAIT_POLL_SECONDS
        Files.createDirectories(dir.resolve("states"));
        Files.writeString(dir.resolve("states/unreachable"), "");
        Result r = run(false, null, List.of("--once"), group(instance(SELF, "Pending:Wait")));
        assertEquals(2, r.exit(), "an API error is neither 'free' nor 'still draining': " + r.out());
        assertTrue(r.out().contains("cannot read the manager group") && !r.out().contains("unbound variable"), r.out());
        assertTrue(!r.out().contains("still there"), r.out());
    }

    @Test
    void theBootstrapsStartSaysWhatHappenedForEachAnswer() throws Exception {
        Files.createDirectories(dir.resolve("states"));
        Result free = startRunner(group(instance(SELF, "Pending:Wait")));
        assertEquals(List.of("restart gitlab-runner"), free.groups(), free.out());
        Result busy = startRunner(group(instance(OLD, "Terminating:Wait"), instance(SELF, "Pending:Wait")));
        assertEquals(List.of("restart --no-block gitlab-runner"), busy.groups(), busy.out());
        assertTrue(busy.out().contains("the previous runner manager is still draining"), busy.out());
        Files.writeString(dir.resolve("states/unreachable"), "");
        Result unknown = startRunner(group(instance(SELF, "Pending:Wait")));
        assertEquals(0, unknown.exit(), unknown.out());
        assertEquals(List.of("restart --no-block gitlab-runner"), unknown.groups(), "the unit's ExecStartPre waits and retries: " + unknown.out());
        assertTrue(unknown.out().contains("cannot read the manager group") && !unknown.out().contains("still draining"), unknown.out());
    }

    /** Runs the setup's vending_start_runner with a fake systemctl; groups() holds the systemctl calls. */
    private Result startRunner(String state) throws Exception {
        Files.deleteIfExists(dir.resolve("systemctl-calls"));
        Files.deleteIfExists(dir.resolve("states/calls"));
        String setup = AutoscalerFleetTemplateTest.managerSetup(evaluated());
        int from = setup.indexOf("vending_start_runner() {");
        assertTrue(from > 0, "the setup defines vending_start_runner");
        String function = setup.substring(from, setup.indexOf("\n}\n", from) + 3);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path systemctl = bin.resolve("systemctl");
        Files.writeString(systemctl, "#!/bin/bash\necho \"$*\" >>\"" + dir.resolve("systemctl-calls") + "\"\n");
        Files.setPosixFilePermissions(systemctl, PosixFilePermissions.fromString("rwx------"));
        Path await = dir.resolve("await");
        String caller = "set -Eeuo pipefail\nlog() { echo \"vending: $*\"; }\nVENDING_MANAGER_ASG=g INSTANCE_ID=" + SELF + "\n"
                + function.replace("/usr/local/sbin/vending-await-previous-manager", await.toString()) + "vending_start_runner\n";
        Result r = run(false, "bash", List.of("-c", caller), state);
        Path calls = dir.resolve("systemctl-calls");
        return new Result(r.exit(), r.out(), r.calls(), Files.exists(calls) ? Files.readAllLines(calls) : List.of());
    }

    private Result run(String mode, String... states) throws Exception {
        return run(true, null, List.of(mode), states);
    }

    /** Writes the await script to dir/await and runs it (or, with a command, that command) with the fake aws. */
    private Result run(boolean pollSetting, String command, List<String> args, String... states) throws Exception {
        String setup = AutoscalerFleetTemplateTest.managerSetup(evaluated());
        String start = "cat >/usr/local/sbin/vending-await-previous-manager <<'VENDING_EOF'\n";
        int from = setup.indexOf(start);
        assertTrue(from > 0, "the manager's setup writes the await script");
        String script = setup.substring(from + start.length(), setup.indexOf("\nVENDING_EOF\n", from) + 1);
        java.util.regex.Matcher named = java.util.regex.Pattern.compile("(?m)^VENDING_MANAGER_ASG='([^']+)'$").matcher(setup);
        assertTrue(named.find(), "the setup names its own group");
        String groupName = named.group(1);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path stateDir = Files.createDirectories(dir.resolve("states"));
        for (int i = 0; i < states.length; i++) {
            Files.writeString(stateDir.resolve(String.format("%02d.json", i)), states[i]);
        }
        Path aws = bin.resolve("aws");
        Files.writeString(aws, FAKE_AWS);
        Files.setPosixFilePermissions(aws, PosixFilePermissions.fromString("rwx------"));
        Path await = dir.resolve("await");
        Files.writeString(await, script);
        Files.setPosixFilePermissions(await, PosixFilePermissions.fromString("rwx------"));
        List<String> cmd = new java.util.ArrayList<>();
        if (command == null) {
            cmd.addAll(List.of("bash", await.toString(), groupName, SELF));
        } else {
            cmd.add(command);
        }
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PATH", bin + ":" + env.get("PATH"));
        env.put("FAKE_STATES", stateDir.toString());
        env.remove("VENDING_AWAIT_POLL_SECONDS");
        if (pollSetting) {
            env.put("VENDING_AWAIT_POLL_SECONDS", "0");
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the await script hung: " + out);
        Path calls = stateDir.resolve("calls");
        Path groups = stateDir.resolve("groups");
        return new Result(p.exitValue(), out, Files.exists(calls) ? Integer.parseInt(Files.readString(calls).strip()) : 0,
                Files.exists(groups) ? Files.readAllLines(groups) : List.of());
    }

    private static String group(String... instances) {
        return "{\"AutoScalingGroups\": [{\"AutoScalingGroupName\": \"g\", \"Instances\": [" + String.join(", ", instances) + "]}]}";
    }

    private static String instance(String id, String state) {
        return "{\"InstanceId\": \"" + id + "\", \"LifecycleState\": \"" + state + "\", \"HealthStatus\": \"Healthy\"}";
    }
}
