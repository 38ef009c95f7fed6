package dev.vending.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a failed Linux bootstrap tells Auto Scaling and CloudFormation, run for real in bash: the script's own
 * failure handling (its first lines, up to the first IMDS call) with a fake {@code aws} on the PATH, and then a
 * failing command, as any step of the bootstrap fails.
 *
 * <p>CloudFormation's SignalResource: "A failure signal causes CloudFormation to immediately fail the stack creation
 * or update", so a single bad instance must only abandon its launch (Auto Scaling replaces it); FAILURE is sent
 * when the fleet's log group shows the failure is systematic: this and two more failed bootstraps in the last hour
 * and no runner registered in it.
 */
class BootstrapFailureTest {
    private static final String INSTANCE = "i-0123456789abcdef0";

    @TempDir
    Path dir;

    @Test
    void oneBadInstanceAbandonsItsLaunchAndSendsNoFailureSignal() throws Exception {
        List<String> calls = failBootstrap("1", "0");
        assertTrue(calls.get(0).contains("complete-lifecycle-action") && calls.get(0).contains("--lifecycle-action-result ABANDON"),
                calls.toString());
        assertTrue(calls.stream().noneMatch(c -> c.contains("signal-resource")), "no FAILURE for one bad instance: " + calls);
    }

    @Test
    void failuresBesideRegisteredRunnersAreNotSystematic() throws Exception {
        List<String> calls = failBootstrap("7", "2");
        assertTrue(calls.stream().noneMatch(c -> c.contains("signal-resource")), calls.toString());
    }

    @Test
    void whenTheFleetCannotBeCountedTheTimeoutDecides() throws Exception {
        List<String> calls = failBootstrap("unavailable", "unavailable");
        assertTrue(calls.stream().anyMatch(c -> c.contains("--lifecycle-action-result ABANDON")), calls.toString());
        assertTrue(calls.stream().noneMatch(c -> c.contains("signal-resource")), calls.toString());
    }

    @Test
    void aSystematicFailureAbandonsThenFailsTheStackOperationWithThisInstancesId() throws Exception {
        List<String> calls = failBootstrap("3", "0");
        int abandon = indexOf(calls, "--lifecycle-action-result ABANDON");
        int signal = indexOf(calls, "signal-resource");
        assertTrue(abandon >= 0 && signal > abandon, "abandon first, so the group replaces the instance either way: " + calls);
        String s = calls.get(signal);
        assertTrue(s.contains("--status FAILURE") && s.contains("--unique-id " + INSTANCE) && s.contains("--stack-name vending-test")
                && s.contains("--logical-resource-id RunnerGroup"), s);
        // both counts come from the fleet's own log group, over the last hour
        List<String> counts = calls.stream().filter(c -> c.contains("logs filter-log-events")).toList();
        assertEquals(2, counts.size(), calls.toString());
        counts.forEach(c -> assertTrue(c.contains("--log-group-name /vending/vending-test"), c));
        assertTrue(counts.get(0).contains("--filter-pattern \"bootstrap FAILED\""), counts.get(0));
        assertTrue(counts.get(1).contains("--filter-pattern \"registered (concurrency\""), counts.get(1));
        long since = Long.parseLong(counts.get(0).replaceAll(".*--start-time ([0-9]+).*", "$1"));
        long hourAgo = System.currentTimeMillis() - 3_600_000L;
        assertTrue(Math.abs(since - hourAgo) < 120_000, "the last hour, in epoch milliseconds: " + since);
        // the markers counted are the lines the bootstrap writes
        String body = Bootstrap.resource("linux.sh");
        assertTrue(body.contains("log \"bootstrap FAILED (exit"), "failure line");
        assertTrue(body.contains("registered (concurrency $VENDING_CONCURRENCY); ready"), "success line");
        assertTrue(Bootstrap.resource("windows.ps1").contains("Log \"bootstrap FAILED: ")
                && Bootstrap.resource("windows.ps1").contains("registered (concurrency $VendingConcurrency); ready"), "Windows writes the same");
    }

    private static int indexOf(List<String> calls, String part) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    /** Runs the bootstrap's failure handling after a failing step; returns the aws calls, in order. */
    private List<String> failBootstrap(String failed, String registered) throws IOException, InterruptedException {
        String body = Bootstrap.resource("linux.sh");
        String head = body.substring(0, body.indexOf("\nIMDS=http://169.254.169.254/latest"));
        Path log = dir.resolve("bootstrap.log");
        head = head.replace("LOG=/var/log/vending-bootstrap.log", "LOG=" + log);
        Path calls = dir.resolve("calls");
        Files.createFile(calls);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path aws = bin.resolve("aws");
        // answers filter-log-events with the count of the pattern asked for (or fails, as without network), else succeeds
        Files.writeString(aws, """
                #!/bin/bash
                echo "aws $*" >>"$FAKE_CALLS"
                if [ "$1 $2" = "logs filter-log-events" ]; then
                  case "$*" in *'bootstrap FAILED'*) n=$FAKE_FAILED ;; *) n=$FAKE_REGISTERED ;; esac
                  [ "$n" != unavailable ] || { echo 'Could not connect to the endpoint URL' >&2; exit 255; }
                  echo "$n"
                fi
                """);
        assertTrue(aws.toFile().setExecutable(true));
        String script = """
                VENDING_REGION=eu-west-1 VENDING_ASG=vending-test-runners VENDING_LAUNCH_HOOK=vending-launch
                VENDING_STACK=vending-test VENDING_SIGNAL_RESOURCE=RunnerGroup VENDING_LOG_GROUP=/vending/vending-test
                """ + head + "\nINSTANCE_ID=" + INSTANCE + "\nfalse # a failing step\necho 'not reached'\n";
        Path file = dir.resolve("bootstrap.sh");
        Files.writeString(file, script);
        ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("FAKE_CALLS", calls.toString());
        pb.environment().put("FAKE_FAILED", failed);
        pb.environment().put("FAKE_REGISTERED", registered);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bootstrap did not end");
        assertTrue(p.exitValue() != 0, "a failed bootstrap exits non-zero: " + out);
        assertTrue(!out.contains("not reached") && out.contains("bootstrap FAILED"), out);
        return Files.readAllLines(calls);
    }
}
