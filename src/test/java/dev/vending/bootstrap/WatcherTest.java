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
import java.util.ArrayList;
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

import dev.vending.testing.FakeGitLab;
import dev.vending.testing.FakeGitLab.State;

/**
 * Runs the real Linux termination watcher against a fake instance metadata service (IMDSv2, with
 * answers the test changes), a {@link FakeGitLab}, and fake gitlab-runner, systemctl and aws
 * executables that record their calls. The fake runner's main process ({@code gitlab-runner run},
 * started here as systemd would) takes jobs from the fake GitLab and handles stop signals as the
 * real runner's source does (see the fake's header), so what GitLab ends up knowing about each job
 * is read from the fake GitLab's record. The final job updates and manager deletions GitLab
 * receives are written into the same call log, so the order of local and GitLab events is one list.
 * Waits are polls on what the watcher did (its calls, or how often it asked IMDS), never fixed
 * sleeps: "nothing happened" means nothing over several of the watcher's own polling rounds.
 */
class WatcherTest {
    private static final String INSTANCE = "i-0abc123def4567890";
    private static final String LIFECYCLE_ARGS = "--auto-scaling-group-name test-fleet-runners --lifecycle-hook-name "
            + Bootstrap.TERMINATE_HOOK + " --instance-id " + INSTANCE;
    private static final String TOKEN = "glrt-fleet-token";
    private static final String SYSTEM_ID = "s_0a1b2c3d4e5f";
    private static final String OTHER_SYSTEM_ID = "s_9f8e7d6c5b4a";
    private static final String STOP = "gitlab-runner stop";
    private static final String ABORT = "systemctl kill --kill-whom=main --signal=SIGTERM gitlab-runner.service";
    private static final String MANAGER_DELETED = "gitlab DELETE /api/v4/runners/managers " + SYSTEM_ID;
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
    private Process runner;
    private FakeGitLab gitlab;
    private String abortSeconds = "5";
    private boolean runnerHangsAfterAbort;

    @BeforeEach
    void start() throws IOException {
        gitlab = FakeGitLab.start();
        gitlab.createRunner(TOKEN);
        gitlab.onCall(this::recordGitLab);
        imds = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        imds.createContext("/", this::answer);
        imds.start();
        calls = dir.resolve("calls");
        Files.createFile(calls);
        Path bin = Files.createDirectory(dir.resolve("bin"));
        for (String fake : List.of("gitlab-runner", "systemctl", "aws")) {
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
        for (Process p : new Process[] {watcher, runner}) {
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        imds.stop(0);
        gitlab.close();
    }

    /** What GitLab is told about the end of a job or a machine, in the one call log. */
    private void recordGitLab(FakeGitLab.Call c) {
        String line = null;
        if (c.method().equals("PUT") && !"running".equals(c.field("state"))) {
            line = "gitlab PUT " + c.path() + " " + c.field("state")
                    + (c.field("failure_reason") == null ? "" : " " + c.field("failure_reason"));
        } else if (c.method().equals("DELETE")) {
            line = "gitlab DELETE " + c.path() + (c.field("system_id") == null ? "" : " " + c.field("system_id"));
        }
        if (line != null) {
            try {
                Files.writeString(calls, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
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

    private void fakeEnvironment(Map<String, String> env) {
        env.put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        env.put("FAKE_CALLS", calls.toString());
        env.put("FAKE_GITLAB_URL", gitlab.url());
        env.put("FAKE_RUNNER_TOKEN", TOKEN);
        env.put("FAKE_SYSTEM_ID", SYSTEM_ID);
        env.put("FAKE_RUNNER_DIR", dir.toString());
        if (runnerHangsAfterAbort) {
            env.put("FAKE_HANG_AFTER_ABORT", "yes");
        }
    }

    /** The runner service's main process, as systemd starts it. */
    private void runRunner() throws IOException, InterruptedException {
        // A JVM's children inherit its blocked SIGQUIT (the JVM keeps it for thread dumps) and bash
        // cannot unblock it; systemd starts the real service with nothing blocked, so unblock it first.
        ProcessBuilder pb = new ProcessBuilder("perl", "-MPOSIX", "-e",
                "sigprocmask(SIG_UNBLOCK, POSIX::SigSet->new(SIGQUIT)) or die; exec {$ARGV[0]} @ARGV or die",
                "bash", dir.resolve("bin/gitlab-runner").toString(), "run")
                .redirectErrorStream(true).redirectOutput(dir.resolve("runner.log").toFile());
        fakeEnvironment(pb.environment());
        runner = pb.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gitlab.calls().stream().noneMatch(c -> c.path().equals("/api/v4/jobs/request"))) {
            if (System.nanoTime() > end || !runner.isAlive()) {
                fail("the fake runner asked for no job:\n" + Files.readString(dir.resolve("runner.log")));
            }
            Thread.sleep(20);
        }
    }

    private void runWatcher(double drainLimitSeconds) throws IOException, InterruptedException {
        runWatcher(drainLimitSeconds, 1);
    }

    private void runWatcher(double drainLimitSeconds, int spotMarginSeconds) throws IOException, InterruptedException {
        if (runner == null) {
            runRunner();
        }
        ProcessBuilder pb = new ProcessBuilder("bash", dir.resolve("watcher.sh").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("watcher.log").toFile());
        Map<String, String> env = pb.environment();
        fakeEnvironment(env);
        env.put("VENDING_IMDS_URL", "http://127.0.0.1:" + imds.getAddress().getPort());
        env.put("VENDING_ASG", "test-fleet-runners");
        env.put("VENDING_TERMINATE_HOOK", Bootstrap.TERMINATE_HOOK);
        env.put("VENDING_POLL_SECONDS", "0.1");
        env.put("VENDING_HEARTBEAT_SECONDS", "0.3");
        env.put("VENDING_DRAIN_LIMIT_SECONDS", Double.toString(drainLimitSeconds));
        env.put("VENDING_SPOT_MARGIN_SECONDS", Integer.toString(spotMarginSeconds));
        env.put("VENDING_ABORT_SECONDS", abortSeconds);
        watcher = pb.start();
    }

    /** Queues a job and waits until the fake runner has picked it up. */
    private FakeGitLab.Job runningJob(String script) throws IOException, InterruptedException {
        if (runner == null) {
            runRunner();
        }
        FakeGitLab.Job job = gitlab.queueJob("test", script);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (job.state() != State.RUNNING) {
            if (System.nanoTime() > end) {
                fail("the fake runner did not pick up the job:\n" + Files.readString(dir.resolve("runner.log")));
            }
            Thread.sleep(20);
        }
        return job;
    }

    /** A second machine of the same fleet (same glrt- token), as its runner's verify call registers it. */
    private void otherMachineVerifies() throws IOException, InterruptedException {
        String body = "{\"info\":{\"name\":\"gitlab-runner\"},\"token\":\"" + TOKEN + "\",\"system_id\":\""
                + OTHER_SYSTEM_ID + "\"}";
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(gitlab.url() + "/api/v4/runners/verify"))
                        .header("Content-Type", "application/json").header("RUNNER-TOKEN", TOKEN)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(List.of(SYSTEM_ID, OTHER_SYSTEM_ID), gitlab.managers(TOKEN));
    }

    private static String finished(FakeGitLab.Job job, String stateAndReason) {
        return "gitlab PUT /api/v4/jobs/" + job.id + " " + stateAndReason;
    }

    private List<String> calls() throws IOException {
        return Files.readAllLines(calls);
    }

    private String log() throws IOException {
        Path runnerLog = dir.resolve("runner.log");
        return Files.readString(dir.resolve("watcher.log"))
                + (Files.exists(runnerLog) ? "\nfake runner:\n" + Files.readString(runnerLog) : "");
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

    private static List<String> withoutHeartbeats(List<String> calls) {
        List<String> out = new ArrayList<>(calls);
        out.removeIf(HEARTBEAT::equals);
        return out;
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
        runWatcher(60);
        awaitRounds(10);
        assertTrue(watcher.isAlive(), log());
        assertEquals(List.of(), calls());
        assertTrue(log().contains("watching " + INSTANCE), log());
        assertTrue(runner.isAlive(), "the runner keeps asking for jobs");
    }

    @Test
    void scaleInWithBusyRunnerHeartbeatsUntilJobsFinishThenUnregistersAndCompletes() throws Exception {
        Path jobsDone = dir.resolve("jobs-done");
        FakeGitLab.Job job = runningJob("until [ -e " + jobsDone + " ]; do sleep 0.05; done; echo done");
        otherMachineVerifies();
        lifecycleState = "Terminated";
        runWatcher(60);
        // the job runs until the test says so: three heartbeats, and nothing else meanwhile
        awaitCalls(c -> c.stream().filter(HEARTBEAT::equals).count() >= 3, 10_000);
        assertEquals(List.of(STOP, HEARTBEAT), phases(calls()), "only heartbeats while jobs run");
        FakeGitLab.Job queued = gitlab.queueJob("queued after the stop", "true");
        Files.createFile(jobsDone);
        awaitExit(10);
        List<String> calls = calls();
        assertEquals(List.of(STOP, HEARTBEAT, finished(job, "success"), UNREGISTER, MANAGER_DELETED, COMPLETE),
                phases(calls), calls.toString());
        assertEquals(State.SUCCESS, job.state());
        assertTrue(job.trace().contains("done"), job.trace());
        assertEquals(State.PENDING, queued.state(), "a stopping runner takes no new job");
        assertEquals(List.of(OTHER_SYSTEM_ID), gitlab.managers(TOKEN),
                "this machine's runner manager is gone; the other machine with the same token keeps its own");
    }

    @Test
    void rollingReplacementOfAnIdleRunnerStopsUnregistersAndCompletesWithoutHeartbeat() throws Exception {
        runWatcher(60);
        awaitRounds(4);
        assertEquals(List.of(), calls(), "nothing while InService");
        lifecycleState = "Terminated";
        awaitExit(10);
        assertEquals(List.of(STOP, UNREGISTER, MANAGER_DELETED, COMPLETE), calls());
    }

    /**
     * The defect issue 11 names: a job that outlives the drain limit must end in GitLab as failed,
     * reported by the runner itself, before the machine unregisters; never left running.
     */
    @Test
    void drainLimitMakesTheRunnerAbortAndReportItsJobsBeforeUnregisteringAndCompleting() throws Exception {
        FakeGitLab.Job job = runningJob("sleep 300");
        lifecycleState = "Terminated";
        runWatcher(1.2);
        awaitExit(15);
        List<String> calls = calls();
        // GitLab here does not list runner_interrupted among its failure reasons: the runner maps it to unknown_failure
        assertEquals(List.of(STOP, ABORT, finished(job, "failed unknown_failure"), UNREGISTER, MANAGER_DELETED, COMPLETE),
                withoutHeartbeats(calls), calls.toString());
        assertTrue(calls.indexOf(HEARTBEAT) >= 0 && calls.indexOf(HEARTBEAT) < calls.indexOf(ABORT),
                "heartbeats while the job ran: " + calls);
        assertEquals(State.FAILED, job.state());
        assertEquals("unknown_failure", job.failureReason());
        assertTrue(job.trace().contains("system failure"), job.trace());
        assertTrue(log().contains("drain limit reached"), log());
        assertEquals(1, calls.stream().filter(c -> c.startsWith("systemctl")).count(), "exactly one abort signal: " + calls);
    }

    @Test
    void aRunnerThatDoesNotExitAfterTheAbortIsUnregisteredAnywayOnceTheAbortWaitIsOver() throws Exception {
        runnerHangsAfterAbort = true;
        abortSeconds = "1";
        FakeGitLab.Job job = runningJob("sleep 300");
        lifecycleState = "Terminated";
        runWatcher(0.5);
        awaitExit(15);
        assertEquals(List.of(STOP, ABORT, finished(job, "failed unknown_failure"), UNREGISTER, MANAGER_DELETED, COMPLETE),
                withoutHeartbeats(calls()), calls().toString());
        assertTrue(log().contains("has not exited 1s after the abort"), log());
        assertTrue(runner.isAlive(), "still stuck: the watcher did not wait for it, nor signal it again");
        assertEquals(1, calls().stream().filter(c -> c.startsWith("systemctl")).count());
    }

    @Test
    void spotNoticeStopsAtOnceAbortsRunningJobsBeforeTheInterruptionAndCompletesOnlyWhenAutoScalingTerminates()
            throws Exception {
        gitlab.advertiseFailureReasons(List.of("unknown_failure", "script_failure", "runner_system_failure",
                "runner_interrupted"));
        FakeGitLab.Job job = runningJob("sleep 300");
        runWatcher(60, 2);
        awaitRounds(2);
        Instant interruption = Instant.now().plusSeconds(6).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        long noticed = System.nanoTime();
        spotAction = "{\"action\": \"terminate\", \"time\": \"" + interruption + "\"}";
        awaitCalls(c -> c.contains(STOP), 3000);
        assertTrue(System.nanoTime() - noticed < TimeUnit.MILLISECONDS.toNanos(2000), "stop within a few polls (0.1 s) of the notice");
        awaitCalls(c -> c.contains(MANAGER_DELETED), 8000);
        assertTrue(Instant.now().isBefore(interruption), "aborted, reported and unregistered before the interruption time");
        List<String> expected = List.of(STOP, ABORT, finished(job, "failed runner_interrupted"), UNREGISTER, MANAGER_DELETED);
        assertEquals(expected, calls(), "no lifecycle calls: the instance is still InService");
        assertEquals(State.FAILED, job.state());
        assertEquals("runner_interrupted", job.failureReason(), "GitLab lists runner_interrupted: the runner sends it as is");
        awaitRounds(4);
        assertEquals(expected, calls());
        assertTrue(watcher.isAlive());

        lifecycleState = "Terminated";
        awaitExit(10);
        assertEquals(List.of(STOP, ABORT, finished(job, "failed runner_interrupted"), UNREGISTER, MANAGER_DELETED, COMPLETE),
                calls());
    }

    @Test
    void spotNoticeDuringALongDrainBringsTheAbortForward() throws Exception {
        FakeGitLab.Job job = runningJob("sleep 300");
        lifecycleState = "Terminated";
        runWatcher(3600, 2);
        awaitCalls(c -> c.contains(HEARTBEAT), 5000);
        Instant interruption = Instant.now().plusSeconds(5).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        spotAction = "{\"action\": \"terminate\", \"time\": \"" + interruption + "\"}";
        awaitExit(15);
        assertTrue(Instant.now().isBefore(interruption), "done before the interruption, not after the hour's drain limit");
        assertEquals(List.of(STOP, ABORT, finished(job, "failed unknown_failure"), UNREGISTER, MANAGER_DELETED, COMPLETE),
                withoutHeartbeats(calls()), calls().toString());
    }

    @Test
    void spotNoticeOnAnIdleRunnerUnregistersAtOnce() throws Exception {
        spotAction = "{\"action\": \"terminate\", \"time\": \"" + Instant.now().plusSeconds(120) + "\"}";
        runWatcher(60);
        awaitCalls(c -> c.contains(MANAGER_DELETED), 6000);
        assertEquals(List.of(STOP, UNREGISTER, MANAGER_DELETED), calls());
    }
}
