package dev.vending.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a failed Linux bootstrap tells Auto Scaling and CloudFormation, run for real in bash: the script's own
 * failure handling (its first lines, up to the first IMDS call) with a fake {@code aws} on the PATH, and then a
 * failing command, as any step of the bootstrap fails.
 *
 * <p>CloudFormation's SignalResource: "A failure signal causes CloudFormation to immediately fail the stack creation
 * or update", so a single bad instance must only abandon its launch (Auto Scaling replaces it); FAILURE is sent
 * when the fleet's log group shows the failure is systematic: this and two more failed bootstraps since the current
 * stack operation began (at most an hour back), no runner registered since, and this instance launched from the
 * group's current launch template version.
 *
 * <p>The fake {@code aws} answers as the CLI does: it holds a log group's events and serves FilterLogEvents in pages
 * of two events with an empty page among them (FilterLogEvents: "A returned page might only be partially full, or
 * even empty"), and applies {@code --query} to each page with {@code --output text} but once to the merged pages with
 * {@code --output json} (AWS CLI User Guide, "Filter output": with text output "the output is paginated before the
 * --query filter is applied, and the AWS CLI runs the query once on each page").
 */
@Tag("slow")
class BootstrapFailureTest {
    private static final String INSTANCE = "i-0123456789abcdef0";
    private static final long NOW = System.currentTimeMillis();
    private static final long MINUTE = 60_000L;

    /**
     * The fake CLI: responses shaped as the APIs return them, the script's own --query applied with the jmespath
     * library (the AWS CLI's), and text output as the CLI prints it (None for null, a list's items tab-separated).
     */
    private static final String FAKE_AWS = """
            #!/usr/bin/env python3
            import json, os, sys, jmespath
            args = sys.argv[1:]
            open(os.environ['FAKE_CALLS'], 'a').write('aws ' + ' '.join(args) + '\\n')
            world = json.load(open(os.environ['FAKE_WORLD']))
            def opt(name):
                return args[args.index(name) + 1] if name in args else None
            op = ' '.join(args[:2])
            query, output = opt('--query'), opt('--output')
            def text(v):
                if isinstance(v, list): return '\\t'.join(text(x) for x in v)
                return 'None' if v is None else str(v)
            def answer(pages):
                if output == 'text':
                    for page in pages: print(text(jmespath.search(query, page)))
                else:
                    assert output == 'json', args
                    merged = dict(pages[0])
                    for key in ('events', 'searchedLogStreams'):
                        if key in merged: merged[key] = [x for page in pages for x in page[key]]
                    merged.pop('nextToken', None)
                    print(json.dumps(jmespath.search(query, merged)))
            if op in ('autoscaling complete-lifecycle-action', 'cloudformation signal-resource'):
                sys.exit(0)
            if world.get('unavailable') == op:
                sys.stderr.write('Could not connect to the endpoint URL\\n'); sys.exit(255)
            if op == 'cloudformation describe-stacks':
                assert opt('--stack-name') == 'vending-test', args
                answer([{'Stacks': [world['stack']]}])
            elif op == 'autoscaling describe-auto-scaling-groups':
                assert opt('--auto-scaling-group-names') == 'vending-test-runners', args
                answer([{'AutoScalingGroups': [world['group']]}])
            elif op == 'logs filter-log-events':
                assert opt('--log-group-name') == '/vending/vending-test', args
                start, term = int(opt('--start-time')), opt('--filter-pattern')
                assert term.startswith('"') and term.endswith('"'), term
                events = [e for e in world['events'] if e['timestamp'] >= start and term[1:-1] in e['message']]
                chunks = [events[i:i + 2] for i in range(0, len(events), 2)] or [[]]
                chunks.insert(1, [])
                pages = [{'events': c, 'searchedLogStreams': []} for c in chunks]
                for i, page in enumerate(pages[:-1]): page['nextToken'] = 'page-' + str(i + 1)
                answer(pages)
            else:
                raise SystemExit('unexpected call: ' + ' '.join(args))
            """;

    @BeforeAll
    static void needsJmespath() throws Exception {
        dev.vending.testing.Python.requireModule("jmespath", "the AWS CLI's query library; moto brings it");
    }

    @TempDir
    Path dir;

    @Test
    void oneBadInstanceAbandonsItsLaunchAndSendsNoFailureSignal() throws Exception {
        List<String> calls = failBootstrap(new World().updatedMinutesAgo(20).failed(1, 5));
        assertTrue(calls.get(0).contains("complete-lifecycle-action") && calls.get(0).contains("--lifecycle-action-result ABANDON"),
                calls.toString());
        assertTrue(calls.stream().noneMatch(c -> c.contains("signal-resource")), "no FAILURE for one bad instance: " + calls);
    }

    @Test
    void failuresBesideRegisteredRunnersAreNotSystematic() throws Exception {
        List<String> calls = failBootstrap(new World().updatedMinutesAgo(20).failed(7, 10).registered(2, 8));
        assertTrue(calls.stream().noneMatch(c -> c.contains("signal-resource")), calls.toString());
    }

    @Test
    void whenTheFleetCannotBeCountedTheTimeoutDecides() throws Exception {
        for (String api : List.of("logs filter-log-events", "cloudformation describe-stacks", "autoscaling describe-auto-scaling-groups")) {
            List<String> calls = failBootstrap(new World().updatedMinutesAgo(20).failed(5, 10).unavailable(api));
            assertTrue(calls.stream().anyMatch(c -> c.contains("--lifecycle-action-result ABANDON")), calls.toString());
            assertTrue(calls.stream().noneMatch(c -> c.contains("signal-resource")), api + " unavailable: " + calls);
        }
    }

    @Test
    void aSystematicFailureAbandonsThenFailsTheStackOperationWithThisInstancesId() throws Exception {
        // five failures: more than one page of FilterLogEvents, with an empty page among them
        List<String> calls = failBootstrap(new World().updatedMinutesAgo(20).failed(5, 10));
        int abandon = indexOf(calls, "--lifecycle-action-result ABANDON");
        int signal = indexOf(calls, "signal-resource");
        assertTrue(abandon >= 0 && signal > abandon, "abandon first, so the group replaces the instance either way: " + calls);
        String s = calls.get(signal);
        assertTrue(s.contains("--status FAILURE") && s.contains("--unique-id " + INSTANCE) && s.contains("--stack-name vending-test")
                && s.contains("--logical-resource-id RunnerGroup"), s);
        List<String> counts = calls.stream().filter(c -> c.contains("logs filter-log-events")).toList();
        assertEquals(2, counts.size(), calls.toString());
        assertTrue(counts.get(0).contains("--filter-pattern \"bootstrap FAILED\""), counts.get(0));
        assertTrue(counts.get(1).contains("--filter-pattern \"registered (concurrency\""), counts.get(1));
        // the markers counted are the lines the bootstrap writes
        String body = Bootstrap.resource("linux.sh");
        assertTrue(body.contains("log \"bootstrap FAILED (exit"), "failure line");
        assertTrue(body.contains("registered (concurrency $VENDING_CONCURRENCY); ready"), "success line");
        assertTrue(Bootstrap.resource("windows.ps1").contains("Log \"bootstrap FAILED: ")
                && Bootstrap.resource("windows.ps1").contains("registered (concurrency $VendingConcurrency); ready"), "Windows writes the same");
    }

    @Test
    void theCountStartsWhenTheCurrentStackOperationBegan() throws Exception {
        List<String> calls = failBootstrap(new World().updatedMinutesAgo(20).failed(3, 10));
        long since = startTime(calls);
        assertTrue(Math.abs(since - (NOW - 20 * MINUTE)) < 1000, "the update's start, in epoch milliseconds: " + since);
        // an operation older than the hour: the last hour
        calls = failBootstrap(new World().updatedMinutesAgo(180).failed(3, 10));
        assertTrue(Math.abs(startTime(calls) - (NOW - 60 * MINUTE)) < 120_000, "at most an hour back: " + startTime(calls));
        // a stack never updated since its creation: DescribeStacks returns no LastUpdatedTime
        World created = new World().failed(3, 10);
        created.creationMinutesAgo = 25;
        calls = failBootstrap(created);
        assertTrue(Math.abs(startTime(calls) - (NOW - 25 * MINUTE)) < 1000, "the creation's start: " + startTime(calls));
        assertTrue(calls.stream().anyMatch(c -> c.contains("--status FAILURE")), calls.toString());
    }

    @Test
    void aFixForwardUpdateDoesNotInheritTheFailuresOfTheOneBefore() throws Exception {
        // the previous update failed systematically 40 minutes ago; the fix-forward began 10 minutes ago and this is
        // its first bad instance
        World w = new World().updatedMinutesAgo(10).failed(6, 45).failed(1, 2);
        List<String> calls = failBootstrap(w);
        assertTrue(calls.stream().noneMatch(c -> c.contains("signal-resource")), "one bad instance of this update: " + calls);
    }

    @Test
    void runnersRegisteredBeforeTheOperationDoNotHideItsSystematicFailure() throws Exception {
        World w = new World().updatedMinutesAgo(15).registered(4, 30).failed(3, 10);
        List<String> calls = failBootstrap(w);
        assertTrue(calls.stream().anyMatch(c -> c.contains("--status FAILURE")), "the old version's runners say nothing of the new: " + calls);
    }

    @Test
    void anInstanceOfALaunchTemplateVersionTheGroupNoLongerUsesSendsNoFailure() throws Exception {
        // a rollback: the group is back on its earlier launch template; instances of the failed version still boot
        World w = new World().updatedMinutesAgo(20).failed(8, 15);
        w.instanceVersion = "7";
        w.groupVersion = "8";
        List<String> calls = failBootstrap(w);
        assertTrue(calls.stream().anyMatch(c -> c.contains("--lifecycle-action-result ABANDON")), calls.toString());
        assertTrue(calls.stream().noneMatch(c -> c.contains("signal-resource")), "the rollback must not fail: " + calls);
    }

    /**
     * Windows has no PowerShell here to run it (PowerShellSyntaxTest parses it): its Test-Systematic must ask the same
     * questions. AWS Tools for PowerShell's reference lists no -NoAutoIteration for Get-CWLFilteredLogEvent, so the
     * count follows NextToken itself, over every page (pages may be partial or empty before the last).
     */
    @Test
    void windowsAsksTheSameQuestionsOverEveryPage() {
        String ps = Bootstrap.resource("windows.ps1");
        String systematic = ps.substring(ps.indexOf("function Test-Systematic"), ps.indexOf("function Download("));
        assertTrue(systematic.contains("Get-CFNStack -Region $VendingRegion -StackName $VendingStack")
                && systematic.contains("$stack.LastUpdatedTime") && systematic.contains("$stack.CreationTime")
                && systematic.contains("if ($began -gt $since) { $since = $began }"), "since the stack operation began, at most an hour back");
        assertTrue(systematic.contains("$group = Get-ASAutoScalingGroup -Region $VendingRegion -AutoScalingGroupName $VendingAsg")
                && systematic.contains("($group.Instances | Where-Object InstanceId -eq $InstanceId).LaunchTemplate.Version")
                && systematic.contains("$group.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.Version")
                && systematic.contains("$mine -ne $current"), "only an instance of the group's current launch template version");
        assertTrue(systematic.contains("-NextToken $token -Select '*'") && systematic.contains("$token = $page.NextToken")
                && systematic.contains("} while ($token)") && systematic.contains("$n += @($page.Events).Count"), "every page");
        assertTrue(systematic.indexOf("$mine -ne $current") < systematic.indexOf("Measure-Logged $since"), "the version decides first");
    }

    private static long startTime(List<String> calls) {
        String c = calls.stream().filter(x -> x.contains("logs filter-log-events")).findFirst().orElseThrow(() -> new AssertionError(calls));
        return Long.parseLong(c.replaceAll(".*--start-time ([0-9]+).*", "$1"));
    }

    private static int indexOf(List<String> calls, String part) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    /** What the fake AWS answers: the stack's times, the launch template versions and the log group's events. */
    private static final class World {
        Integer updatedMinutesAgo;
        int creationMinutesAgo = 600;
        String instanceVersion = "8";
        String groupVersion = "8";
        String unavailable;
        final List<String> events = new ArrayList<>();

        World updatedMinutesAgo(int minutes) {
            updatedMinutesAgo = minutes;
            return this;
        }

        World failed(int n, int minutesAgo) {
            return lines(n, minutesAgo, "bootstrap FAILED (exit 1 near line 90 of /run/vending-bootstrap.sh); abandoning the launch");
        }

        World registered(int n, int minutesAgo) {
            return lines(n, minutesAgo, "runner i-0abc-in-1-at-eu-west-1 registered (concurrency 2); ready: completing the launch lifecycle action");
        }

        World unavailable(String api) {
            unavailable = api;
            return this;
        }

        private World lines(int n, int minutesAgo, String message) {
            for (int i = 0; i < n; i++) {
                events.add("{\"timestamp\": " + (NOW - minutesAgo * MINUTE + i) + ", \"message\": \"2026-01-01T00:00:00Z vending: "
                        + message + "\"}");
            }
            return this;
        }

        String json() {
            // DescribeStacks leaves LastUpdatedTime out until the first update; the CLI prints ISO 8601 with an offset
            String stack = "{\"StackName\": \"vending-test\", \"StackStatus\": \"UPDATE_IN_PROGRESS\", \"CreationTime\": \""
                    + iso(creationMinutesAgo) + "\"" + (updatedMinutesAgo == null ? "" : ", \"LastUpdatedTime\": \"" + iso(updatedMinutesAgo) + "\"") + "}";
            String group = "{\"AutoScalingGroupName\": \"vending-test-runners\", \"MixedInstancesPolicy\": {\"LaunchTemplate\": "
                    + "{\"LaunchTemplateSpecification\": " + launchTemplate(groupVersion) + "}}, \"Instances\": ["
                    + instance("i-0fedcba9876543210", "InService", groupVersion) + ", " + instance(INSTANCE, "Pending:Wait", instanceVersion) + "]}";
            return "{\"stack\": " + stack + ", \"group\": " + group
                    + ", \"unavailable\": " + (unavailable == null ? "null" : "\"" + unavailable + "\"")
                    + ", \"events\": [" + String.join(", ", events) + "]}";
        }

        private static String launchTemplate(String version) {
            return "{\"LaunchTemplateId\": \"lt-0abc\", \"LaunchTemplateName\": \"vending-test-runner\", \"Version\": \"" + version + "\"}";
        }

        private static String instance(String id, String state, String version) {
            return "{\"InstanceId\": \"" + id + "\", \"LifecycleState\": \"" + state + "\", \"LaunchTemplate\": " + launchTemplate(version) + "}";
        }

        private static String iso(int minutesAgo) {
            return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC)
                    .format(Instant.ofEpochMilli(NOW - minutesAgo * MINUTE));
        }
    }

    /** Runs the bootstrap's failure handling after a failing step; returns the aws calls, in order. */
    private List<String> failBootstrap(World world) throws IOException, InterruptedException {
        String body = Bootstrap.resource("linux.sh");
        String head = body.substring(0, body.indexOf("\nIMDS=http://169.254.169.254/latest"));
        Path run = Files.createTempDirectory(dir, "run");
        Path log = run.resolve("bootstrap.log");
        head = head.replace("LOG=/var/log/vending-bootstrap.log", "LOG=" + log);
        Path calls = run.resolve("calls");
        Files.createFile(calls);
        Path worldFile = run.resolve("world.json");
        Files.writeString(worldFile, world.json());
        Path bin = Files.createDirectories(run.resolve("bin"));
        Path aws = bin.resolve("aws");
        Files.writeString(aws, FAKE_AWS);
        assertTrue(aws.toFile().setExecutable(true));
        String script = """
                VENDING_REGION=eu-west-1 VENDING_ASG=vending-test-runners VENDING_LAUNCH_HOOK=vending-launch
                VENDING_STACK=vending-test VENDING_SIGNAL_RESOURCE=RunnerGroup VENDING_LOG_GROUP=/vending/vending-test
                """ + head + "\nINSTANCE_ID=" + INSTANCE + "\nfalse # a failing step\necho 'not reached'\n";
        Path file = run.resolve("bootstrap.sh");
        Files.writeString(file, script);
        ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("FAKE_CALLS", calls.toString());
        pb.environment().put("FAKE_WORLD", worldFile.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bootstrap did not end");
        assertTrue(p.exitValue() != 0, "a failed bootstrap exits non-zero: " + out);
        assertTrue(!out.contains("not reached") && out.contains("bootstrap FAILED"), out);
        assertTrue(!out.contains("Traceback") && !out.contains("AssertionError") && !out.contains("unexpected call"),
                "the bootstrap called aws as the fake expects: " + out);
        return Files.readAllLines(calls);
    }
}
