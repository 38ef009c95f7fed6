package dev.vending.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Runs the real Linux termination watcher against a fake instance metadata service (IMDSv2, with
 * answers the test changes) and fake gitlab-runner and aws executables that record their calls.
 * Waits are polls on what the watcher did (its calls, or how often it asked IMDS), never fixed
 * sleeps: "nothing happened" means nothing over several of the watcher's own polling rounds.
 */
class WatcherTest {
    private static final String INSTANCE = "i-0abc123def4567890";
    private static final String LIFECYCLE_ARGS = "--auto-scaling-group-name test-fleet-runners --lifecycle-hook-name "
            + Bootstrap.TERMINATE_HOOK + " --instance-id " + INSTANCE;
    private static final String STOP = "gitlab-runner stop";
    private static final String UNREGISTER = "gitlab-runner unregister --all-runners";
    private static final String HEARTBEAT = "aws autoscaling record-lifecycle-action-heartbeat " + LIFECYCLE_ARGS;
    private static final String COMPLETE = "aws autoscaling complete-lifecycle-action --lifecycle-action-result CONTINUE "
            + LIFECYCLE_ARGS;

    @TempDir
    Path dir;
    private HttpServer imds;
    private volatile String lifecycleState = "InService";
    private volatile String spotAction;
    /** How often the watcher asked for its lifecycle state: one per polling round. */
    private final AtomicInteger lifecyclePolls = new AtomicInteger();
    private Path calls;
    private Process watcher;
    /** When set, the fake `gitlab-runner stop` (the jobs) runs until this file exists. */
    private Path jobsDone;

    @BeforeEach
    void start() throws IOException {
        imds = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        imds.createContext("/", this::answer);
        imds.start();
        calls = dir.resolve("calls");
        Files.createFile(calls);
        Path bin = Files.createDirectory(dir.resolve("bin"));
        for (String fake : List.of("gitlab-runner", "aws")) {
            try (InputStream in = WatcherTest.class.getResourceAsStream("/bootstrap/" + fake)) {
                Path f = bin.resolve(fake);
                Files.write(f, in.readAllBytes());
                assertTrue(f.toFile().setExecutable(true));
            }
        }
        Files.writeString(dir.resolve("watcher.sh"), Bootstrap.resource("linux-watcher.sh"));
    }

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.descendants().forEach(ProcessHandle::destroyForcibly);
            watcher.destroyForcibly();
        }
        imds.stop(0);
    }

    /** IMDSv2: a PUT gives the session token, which every GET must carry. */
    private void answer(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        int code = 404;
        String body = "";
        if (path.equals("/latest/api/token") && x.getRequestMethod().equals("PUT")) {
            code = 200;
            body = "imds-session-token";
        } else if (!"imds-session-token".equals(x.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
            code = 401;
        } else if (path.equals("/latest/meta-data/instance-id")) {
            code = 200;
            body = INSTANCE;
        } else if (path.equals("/latest/meta-data/autoscaling/target-lifecycle-state")) {
            lifecyclePolls.incrementAndGet();
            code = 200;
            body = lifecycleState;
        } else if (path.equals("/latest/meta-data/spot/instance-action") && spotAction != null) {
            code = 200;
            body = spotAction;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private void runWatcher(double stopSeconds, double drainLimitSeconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", dir.resolve("watcher.sh").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("watcher.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        env.put("VENDING_IMDS_URL", "http://127.0.0.1:" + imds.getAddress().getPort());
        env.put("VENDING_ASG", "test-fleet-runners");
        env.put("VENDING_TERMINATE_HOOK", Bootstrap.TERMINATE_HOOK);
        env.put("VENDING_POLL_SECONDS", "0.1");
        env.put("VENDING_HEARTBEAT_SECONDS", "0.3");
        env.put("VENDING_DRAIN_LIMIT_SECONDS", Double.toString(drainLimitSeconds));
        env.put("VENDING_SPOT_MARGIN_SECONDS", "1");
        env.put("FAKE_CALLS", calls.toString());
        env.put("FAKE_STOP_SECONDS", Double.toString(stopSeconds));
        if (jobsDone != null) {
            env.put("FAKE_STOP_UNTIL", jobsDone.toString());
        }
        watcher = pb.start();
    }

    private List<String> calls() throws IOException {
        return Files.readAllLines(calls);
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("watcher.log"));
    }

    private void awaitCalls(Predicate<List<String>> condition, long millis) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            if (condition.test(calls())) {
                return;
            }
            Thread.sleep(50);
        }
        fail("timed out; calls so far " + calls() + "\nwatcher log:\n" + log());
    }

    /**
     * Waits until the watcher has started {@code rounds} more polling rounds; the rounds before the
     * last one have then run to their end, whatever they were going to do.
     */
    private void awaitRounds(int rounds) throws IOException, InterruptedException {
        int target = lifecyclePolls.get() + rounds;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (lifecyclePolls.get() < target) {
            if (System.nanoTime() > end || !watcher.isAlive()) {
                fail("the watcher did not poll " + rounds + " more times (alive: " + watcher.isAlive() + "); calls " + calls()
                        + "\nlog:\n" + log());
            }
            Thread.sleep(20);
        }
    }

    private void awaitExit(long seconds) throws InterruptedException, IOException {
        if (!watcher.waitFor(seconds, TimeUnit.SECONDS)) {
            fail("watcher still running; calls " + calls() + "\nlog:\n" + log());
        }
        assertEquals(0, watcher.exitValue(), log());
    }

    /** The calls with consecutive heartbeats collapsed to one, so the order reads as the lifecycle. */
    private static List<String> phases(List<String> calls) {
        return calls.stream().filter(new Predicate<String>() {
            private String previous;

            @Override
            public boolean test(String c) {
                boolean repeat = c.equals(previous) && c.equals(HEARTBEAT);
                previous = c;
                return !repeat;
            }
        }).toList();
    }

    @Test
    void doesNothingWhileInService() throws Exception {
        runWatcher(0, 60);
        awaitRounds(10);
        assertTrue(watcher.isAlive(), log());
        assertEquals(List.of(), calls());
        assertTrue(log().contains("watching " + INSTANCE), log());
    }

    @Test
    void scaleInWithBusyRunnerHeartbeatsUntilJobsFinishThenUnregistersAndCompletes() throws Exception {
        lifecycleState = "Terminated";
        jobsDone = dir.resolve("jobs-done");
        runWatcher(0, 60);
        // the jobs run until the test says so: three heartbeats, and nothing else meanwhile
        awaitCalls(c -> c.stream().filter(HEARTBEAT::equals).count() >= 3, 10_000);
        assertEquals(List.of(STOP, HEARTBEAT), phases(calls()), "only heartbeats while jobs run");
        Files.createFile(jobsDone);
        awaitExit(10);
        List<String> calls = calls();
        assertEquals(List.of(STOP, HEARTBEAT, UNREGISTER, COMPLETE), phases(calls), calls.toString());
    }

    @Test
    void rollingReplacementOfAnIdleRunnerStopsUnregistersAndCompletesWithoutHeartbeat() throws Exception {
        runWatcher(0, 60);
        awaitRounds(4);
        assertEquals(List.of(), calls(), "nothing while InService");
        lifecycleState = "Terminated";
        awaitExit(10);
        assertEquals(List.of(STOP, UNREGISTER, COMPLETE), calls());
    }

    @Test
    void drainLimitUnregistersAndCompletesEvenWhileJobsRun() throws Exception {
        lifecycleState = "Terminated";
        runWatcher(300, 1.2);
        awaitExit(10);
        assertEquals(List.of(STOP, HEARTBEAT, UNREGISTER, COMPLETE), phases(calls()), calls().toString());
        assertTrue(log().contains("drain limit reached"), log());
    }

    @Test
    void spotNoticeStopsAtOnceUnregistersBeforeTheInterruptionAndCompletesOnlyWhenAutoScalingTerminates() throws Exception {
        runWatcher(300, 60);
        awaitRounds(2);
        Instant interruption = Instant.now().plusSeconds(5);
        long noticed = System.nanoTime();
        spotAction = "{\"action\": \"terminate\", \"time\": \"" + interruption.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\"}";
        awaitCalls(c -> c.contains(STOP), 3000);
        assertTrue(System.nanoTime() - noticed < TimeUnit.MILLISECONDS.toNanos(2000), "stop within a few polls (0.1 s) of the notice");
        awaitCalls(c -> c.contains(UNREGISTER), 6000);
        assertTrue(Instant.now().isBefore(interruption), "unregistered before the interruption time");
        assertEquals(List.of(STOP, UNREGISTER), calls(), "no lifecycle calls: the instance is still InService");
        awaitRounds(4);
        assertEquals(List.of(STOP, UNREGISTER), calls());
        assertTrue(watcher.isAlive());

        lifecycleState = "Terminated";
        awaitExit(10);
        assertEquals(List.of(STOP, UNREGISTER, COMPLETE), calls());
    }

    @Test
    void spotNoticeOnAnIdleRunnerUnregistersAtOnce() throws Exception {
        spotAction = "{\"action\": \"terminate\", \"time\": \"" + Instant.now().plusSeconds(120) + "\"}";
        runWatcher(0, 60);
        awaitCalls(c -> c.contains(UNREGISTER), 6000);
        assertEquals(List.of(STOP, UNREGISTER), calls());
    }
}
