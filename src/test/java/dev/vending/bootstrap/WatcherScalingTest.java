package dev.vending.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vending.cfn.TemplateFormat;
import dev.vending.deploy.CloudWatchCborBridge;
import dev.vending.deploy.MotoServer;
import dev.vending.deploy.TestContext;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.FleetTemplate;
import dev.vending.fleet.Scaling;
import dev.vending.testing.CfnEvaluator;

/**
 * The real Linux watcher on an elastic fleet, with the real AWS CLI against moto (AWS_ENDPOINT_URL): a fake
 * runner metrics endpoint serves the runner's Prometheus text (the gitlab-runner binary cannot be built here),
 * a fake IMDS names an instance of a moto Auto Scaling group. One running job of concurrency 4 must publish 25%
 * and protect the instance from scale-in; idle must publish 0% and clear the protection.
 */
@Tag("slow")
class WatcherScalingTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    private static final String GROUP = "test-fleet-runners";
    private static final String REGION = "us-east-1";

    @TempDir
    Path dir;
    private HttpServer imds;
    private HttpServer runner;
    private volatile int runningJobs;
    private String instanceId;
    private Process watcher;
    private Map<String, String> awsEnv;

    @BeforeEach
    void start() throws Exception {
        Path aws = onPath("aws");
        if (aws == null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("the AWS CLI is not on PATH (CI=true: this test must run)");
            }
            Assumptions.abort("the AWS CLI is not on PATH; watcher publishing test skipped");
        }
        moto.reset();
        awsEnv = Map.of("AWS_ENDPOINT_URL", moto.endpoint(), "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing",
                "AWS_DEFAULT_REGION", REGION, "AWS_CONFIG_FILE", dir.resolve("no-config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString(), "AWS_PAGER", "");
        aws("autoscaling", "create-launch-configuration", "--launch-configuration-name", "lc", "--image-id", "ami-12c6146b",
                "--instance-type", "t3.micro");
        aws("autoscaling", "create-auto-scaling-group", "--auto-scaling-group-name", GROUP, "--launch-configuration-name", "lc",
                "--min-size", "1", "--max-size", "3", "--desired-capacity", "1", "--availability-zones", REGION + "a");
        instanceId = field(aws("autoscaling", "describe-auto-scaling-instances", "--query", "AutoScalingInstances[0].InstanceId",
                "--output", "text"));
        assertTrue(instanceId.startsWith("i-"), instanceId);

        imds = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        imds.createContext("/", this::imds);
        imds.start();
        runner = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        runner.createContext("/metrics", x -> reply(x, 200, prometheusText(runningJobs)));
        runner.start();
        Path bin = Files.createDirectory(dir.resolve("bin"));
        try (InputStream in = WatcherScalingTest.class.getResourceAsStream("/bootstrap/gitlab-runner")) {
            Path f = bin.resolve("gitlab-runner");
            Files.write(f, in.readAllBytes());
            assertTrue(f.toFile().setExecutable(true));
        }
        Files.writeString(dir.resolve("watcher.sh"), Bootstrap.resource("linux-watcher.sh"));
        Files.createFile(dir.resolve("calls"));
    }

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.descendants().forEach(ProcessHandle::destroyForcibly);
            watcher.destroyForcibly();
        }
        if (imds != null) {
            imds.stop(0);
        }
        if (runner != null) {
            runner.stop(0);
        }
    }

    /** What gitlab-runner serves on listen_address: series as in commands/builds_helper.go and commands/multi.go. */
    static String prometheusText(int running) {
        String labels = "runner=\"glrt-abc\",runner_name=\"i-0abc-in-123456789012-at-us-east-1\",system_id=\"s_0123456789ab\"";
        StringBuilder t = new StringBuilder()
                .append("# HELP gitlab_runner_concurrent The current value of concurrent setting\n")
                .append("# TYPE gitlab_runner_concurrent gauge\n")
                .append("gitlab_runner_concurrent 4\n")
                .append("# HELP gitlab_runner_jobs The current number of running builds.\n")
                .append("# TYPE gitlab_runner_jobs gauge\n")
                .append("gitlab_runner_jobs{executor_stage=\"idle\",").append(labels).append(",stage=\"idle\",state=\"idle\"} 0\n");
        if (running > 0) {
            t.append("gitlab_runner_jobs{executor_stage=\"docker_run\",").append(labels)
                    .append(",stage=\"step_script\",state=\"running\"} ").append(running).append('\n');
        }
        // a counter with a longer name: must not count as busy slots
        t.append("# HELP gitlab_runner_jobs_total Total number of handled jobs\n")
                .append("# TYPE gitlab_runner_jobs_total counter\n")
                .append("gitlab_runner_jobs_total{").append(labels).append("} 17\n")
                .append("gitlab_runner_limit{").append(labels).append("} 0\n");
        return t.toString();
    }

    private void imds(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        if (path.equals("/latest/api/token") && x.getRequestMethod().equals("PUT")) {
            reply(x, 200, "imds-session-token");
        } else if (!"imds-session-token".equals(x.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
            reply(x, 401, "");
        } else if (path.equals("/latest/meta-data/instance-id")) {
            reply(x, 200, instanceId);
        } else if (path.equals("/latest/meta-data/autoscaling/target-lifecycle-state")) {
            reply(x, 200, "InService");
        } else {
            reply(x, 404, "");
        }
    }

    private static void reply(HttpExchange x, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private void runWatcher(boolean publish) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", dir.resolve("watcher.sh").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("watcher.log").toFile());
        Map<String, String> env = pb.environment();
        env.putAll(awsEnv);
        env.put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        env.put("VENDING_IMDS_URL", "http://127.0.0.1:" + imds.getAddress().getPort());
        env.put("VENDING_RUNNER_METRICS_URL", "http://127.0.0.1:" + runner.getAddress().getPort() + "/metrics");
        env.put("VENDING_ASG", GROUP);
        env.put("VENDING_TERMINATE_HOOK", Bootstrap.TERMINATE_HOOK);
        env.put("VENDING_POLL_SECONDS", "0.2");
        env.put("VENDING_PUBLISH_SECONDS", "1");
        env.put("VENDING_CONCURRENCY", "4");
        env.put("VENDING_PROTECT_BUSY", "yes");
        env.put("VENDING_METRIC_NAMESPACE", publish ? Scaling.NAMESPACE : "");
        env.put("FAKE_CALLS", dir.resolve("calls").toString());
        watcher = pb.start();
    }

    @Test
    void oneRunningJobOfFourPublishes25PercentAndProtectsThenIdlePublishes0AndClears() throws Exception {
        runningJobs = 1;
        runWatcher(true);
        await(() -> protectedFromScaleIn(), "protection set while a job runs");
        await(() -> datapoints().contains(25.0), "25% published");
        assertFalse(datapoints().contains(0.0), "nothing but 25% while the job runs: " + datapoints());

        runningJobs = 0;
        await(() -> !protectedFromScaleIn(), "protection cleared when idle");
        await(() -> datapoints().contains(0.0), "0% published when idle");
        assertTrue(watcher.isAlive(), log());
        String metrics = aws("cloudwatch", "list-metrics", "--namespace", Scaling.NAMESPACE);
        assertTrue(metrics.contains("\"MetricName\": \"" + Scaling.METRIC_NAME + "\""), metrics);
        assertTrue(metrics.contains("\"Name\": \"" + Scaling.DIMENSION + "\"") && metrics.contains("\"Value\": \"" + GROUP + "\""),
                "the group's name is the one dimension the policy averages over: " + metrics);
        assertEquals(List.of(), Files.readAllLines(dir.resolve("calls")), "the runner is never stopped while InService");
    }

    /**
     * `vending status` reads back what the real watcher published, under the policy a jobs:75 template gives the group
     * (taken from the generated template, as CloudFormation would evaluate it, so its namespace, dimensions, statistic
     * and unit are the template's): "no datapoint" before the watcher runs, 25.0 after one job of four.
     */
    @Test
    void statusShowsTheJobSlotValueTheWatcherPublished() throws Exception {
        // moto creates no AWS::AutoScaling::ScalingPolicy from a stack: put the template's own, as CloudFormation would
        String template = TemplateFormat.JSON.render(FleetTemplate.build(FleetSpec.builder().scaling(Scaling.parse("jobs:75")).build(), false));
        Object tt = CfnEvaluator.fromText(template).parameters(Map.of("VpcId", "vpc-1", "SubnetIds", "subnet-1", "RunnerToken", "glrt-test"))
                .evaluate().properties("RunnerScalingPolicy").get("TargetTrackingConfiguration");
        String policy = new ObjectMapper().writeValueAsString(tt).replace("{Ref:" + FleetTemplate.ASG + "}", GROUP);
        aws("autoscaling", "put-scaling-policy", "--auto-scaling-group-name", GROUP, "--policy-name", "RunnerScalingPolicy",
                "--policy-type", "TargetTrackingScaling", "--target-tracking-configuration", policy);
        // a stack whose output names the group, as a fleet's does
        Path stack = dir.resolve("stack.yaml");
        Files.writeString(stack, "Resources:\n  Handle:\n    Type: AWS::CloudFormation::WaitConditionHandle\nOutputs:\n  "
                + FleetTemplate.OUT_ASG + ":\n    Value: " + GROUP + "\n");
        aws("cloudformation", "create-stack", "--stack-name", "watched", "--template-body", "file://" + stack);

        try (CloudWatchCborBridge bridge = new CloudWatchCborBridge(moto.endpoint())) {
            TestContext ctx = new TestContext();
            String[] status = {"status", "--stack-name", "watched", "--region", REGION, "--endpoint-url", bridge.endpoint()};
            TestContext.Result before = ctx.run(status);
            assertEquals(0, before.code(), before.all());
            assertTrue(before.out().contains("  metric JobSlotUtilization: no datapoint in the last 10 minutes (Average per minute): "),
                    before.out());

            runningJobs = 1;
            runWatcher(true);
            await(() -> datapoints().contains(25.0), "25% published");
            TestContext.Result after = ctx.run(status);
            assertEquals(0, after.code(), after.all());
            assertTrue(after.out().contains("scaling: RunnerScalingPolicy keeps Vending/Runners/JobSlotUtilization (Average) at 75.0"),
                    after.out());
            assertTrue(Pattern.compile("\n  metric JobSlotUtilization: 25\\.0 for the minute from \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:00Z"
                    + "(; last 5 minutes 25\\.0 \\(mean of \\d values\\))?; target 75\\.0 \\(Average per minute\\)\n").matcher(after.out()).find(),
                    after.out());

            TestContext.Result json = ctx.run(concat(status, "--output", "json"));
            JsonNode current = new ObjectMapper().readTree(json.out()).path("scaling").path("current");
            assertEquals(Scaling.NAMESPACE, current.path("namespace").asText(), json.out());
            assertEquals(Scaling.METRIC_NAME, current.path("metricName").asText(), json.out());
            assertEquals("Average", current.path("statistic").asText(), json.out());
            assertEquals(60, current.path("periodSeconds").asInt(), json.out());
            assertEquals(25.0, current.path("latest").asDouble(), json.out());
            assertEquals(25.0, current.path("recentMean").asDouble(), json.out());
            assertTrue(current.path("recentDatapoints").asInt() >= 1, json.out());
            assertTrue(bridge.cloudWatchCalls.contains("GetMetricData"), bridge.cloudWatchCalls.toString());
        }
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    @Test
    void cpuScalingProtectsBusyRunnersButPublishesNothing() throws Exception {
        runningJobs = 3;
        runWatcher(false);
        await(() -> protectedFromScaleIn(), "protection set");
        Thread.sleep(1500);
        String metrics = aws("cloudwatch", "list-metrics", "--namespace", Scaling.NAMESPACE);
        assertFalse(metrics.contains(Scaling.METRIC_NAME), metrics);
        assertTrue(log().contains("scale-in protection yes (3/4 busy)"), log());
    }

    private boolean protectedFromScaleIn() {
        return "True".equals(field(aws("autoscaling", "describe-auto-scaling-instances", "--instance-ids", instanceId,
                "--query", "AutoScalingInstances[0].ProtectedFromScaleIn", "--output", "text")));
    }

    private static final Pattern VALUE = Pattern.compile("\"(?:Minimum|Maximum)\": ([0-9.]+)");

    /** The distinct minimum and maximum values moto's CloudWatch holds for the group's job-slot metric. */
    private List<Double> datapoints() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String out = aws("cloudwatch", "get-metric-statistics", "--namespace", Scaling.NAMESPACE, "--metric-name",
                Scaling.METRIC_NAME, "--dimensions", "Name=" + Scaling.DIMENSION + ",Value=" + GROUP,
                "--statistics", "Minimum", "Maximum", "--period", "60",
                "--start-time", now.minusSeconds(600).toString(), "--end-time", now.plusSeconds(600).toString());
        List<Double> values = new ArrayList<>();
        Matcher m = VALUE.matcher(out);
        while (m.find()) {
            values.add(Double.parseDouble(m.group(1)));
        }
        return values;
    }

    private void await(BooleanSupplier condition, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (!watcher.isAlive()) {
                fail("watcher exited: " + log());
            }
            Thread.sleep(200);
        }
        fail("timed out waiting for: " + what + "\nwatcher log:\n" + log());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("watcher.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private String aws(String... args) {
        List<String> cmd = new ArrayList<>(List.of("aws"));
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(awsEnv);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String field(String cliText) {
        return cliText.strip();
    }

    private static Path onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
