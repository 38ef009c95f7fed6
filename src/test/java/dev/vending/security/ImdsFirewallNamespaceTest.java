package dev.vending.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vending.fleet.Executor;
import dev.vending.fleet.FleetSpec;

/**
 * The IMDS firewall as the rendered Linux bootstrap applies it, run for real in network namespaces
 * this test creates (needs root, ip and iptables; no cloud, no Docker):
 *
 * <pre>
 *   ctr (a "container")  --veth-->  host (the instance)  --veth-->  imds (169.254.169.254, FakeImds)
 * </pre>
 * The host routes the container's traffic (FORWARD, where Docker hooks DOCKER-USER) and reaches
 * IMDS itself (OUTPUT, where the owner match applies), as on EC2, where IMDS is off the instance.
 * The docker-autoscaler workers' user data writes the same script and runs its docker rule, checked the same way.
 * Not covered: Docker itself (no engine here: the FORWARD jump to DOCKER-USER is added the way Docker
 * adds it), systemd running the script (checked as rendered text in BootstrapImdsTextTest), the
 * hop limit (a launch-template property, checked on the template), and IPv6 traffic (rules checked as text).
 */
class ImdsFirewallNamespaceTest {
    private static final String IMDS = "169.254.169.254";

    @TempDir
    Path dir;
    private final String suffix = Long.toString(ProcessHandle.current().pid());
    private final String nsImds = "vimds" + suffix;
    private final String nsHost = "vhost" + suffix;
    private final String nsCtr = "vctr" + suffix;
    private final List<String> created = new ArrayList<>();
    private Process imds;
    private Path firewall;
    private List<String> jobsUserArgs;
    private List<String> dockerArgs;

    @BeforeEach
    void setUp() throws Exception {
        String rendered = renderedLinuxBootstrap();
        firewall = dir.resolve("vending-imds-firewall");
        Files.writeString(firewall, heredoc(rendered, "/usr/local/sbin/vending-imds-firewall"));
        jobsUserArgs = invocation(rendered, "ExecStartPre=");
        dockerArgs = invocation(rendered, "ExecStartPost=");
        assertEquals(List.of("jobs-user", "gitlab-runner"), jobsUserArgs);
        assertEquals(List.of("docker"), dockerArgs);

        String missing = missingTools();
        if (missing != null) {
            skip(missing);
        }
        for (String ns : List.of(nsImds, nsHost, nsCtr)) {
            if (run(List.of("ip", "netns", "add", ns)).code != 0) {
                skip("cannot create network namespaces (ip netns add " + ns + ")");
            }
            created.add(ns);
            ok(ns, "ip", "link", "set", "lo", "up");
        }
        ok(null, "ip", "link", "add", "h0" + suffix, "netns", nsHost, "type", "veth", "peer", "name", "i0" + suffix, "netns", nsImds);
        ok(null, "ip", "link", "add", "h1" + suffix, "netns", nsHost, "type", "veth", "peer", "name", "c0" + suffix, "netns", nsCtr);
        ok(nsImds, "ip", "addr", "add", "10.99.1.2/24", "dev", "i0" + suffix);
        ok(nsImds, "ip", "addr", "add", IMDS + "/32", "dev", "lo");
        ok(nsImds, "ip", "link", "set", "i0" + suffix, "up");
        ok(nsImds, "ip", "route", "add", "default", "via", "10.99.1.1");
        ok(nsHost, "ip", "addr", "add", "10.99.1.1/24", "dev", "h0" + suffix);
        ok(nsHost, "ip", "addr", "add", "10.99.2.1/24", "dev", "h1" + suffix);
        ok(nsHost, "ip", "link", "set", "h0" + suffix, "up");
        ok(nsHost, "ip", "link", "set", "h1" + suffix, "up");
        ok(nsHost, "ip", "route", "add", IMDS + "/32", "via", "10.99.1.2");
        ok(nsHost, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        ok(nsCtr, "ip", "addr", "add", "10.99.2.2/24", "dev", "c0" + suffix);
        ok(nsCtr, "ip", "link", "set", "c0" + suffix, "up");
        ok(nsCtr, "ip", "route", "add", "default", "via", "10.99.2.1");

        String java = ProcessHandle.current().info().command().orElse("java");
        imds = new ProcessBuilder("ip", "netns", "exec", nsImds, java, "-cp", System.getProperty("java.class.path"),
                FakeImds.class.getName(), IMDS, "80").redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(imds.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine(), "fake IMDS did not start");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (imds != null) {
            imds.getOutputStream().close();
            if (!imds.waitFor(10, TimeUnit.SECONDS)) {
                imds.destroyForcibly();
            }
        }
        for (String ns : created) {
            run(List.of("ip", "netns", "delete", ns));
        }
    }

    @Test
    void rootReachesImdsWhileTheJobUserAndContainersDoNot() throws Exception {
        // before the rules: everyone reaches IMDS, so the topology is sound and the rules are what block
        assertTrue(imdsv2(nsHost, null), "root on the host before the rules");
        assertTrue(imdsv2(nsHost, "nobody"), "job user before the rules");
        assertTrue(imdsv2(nsCtr, null), "container before the rules");

        // as the rendered bootstrap runs it (systemd ExecStart / Docker's ExecStartPost), with nobody as
        // the job user (the test does not create gitlab-runner), twice: it must be idempotent
        dockerStartsAndHooksItsChain();
        for (int i = 0; i < 2; i++) {
            ok(nsHost, "bash", firewall.toString(), jobsUserArgs.get(0), "nobody");
            ok(nsHost, "bash", firewall.toString(), dockerArgs.get(0));
        }

        assertTrue(imdsv2(nsHost, null), "root (the runner process, the watcher) keeps IMDS");
        assertFalse(imdsv2(nsHost, "nobody"), "the job user must not reach IMDS");
        assertFalse(imdsv2(nsCtr, null), "a container must not reach IMDS");
        assertTrue(reachesOtherHosts(nsCtr), "containers still reach everything else through the host");

        String v4 = ok(nsHost, "iptables", "-w", "-S");
        String uid = ok(null, "id", "-u", "nobody").strip();
        assertEquals(1, count(v4, "-A OUTPUT -d 169.254.169.254/32 -m owner --uid-owner " + uid + " -j DROP"), v4);
        assertEquals(1, count(v4, "-A DOCKER-USER -d 169.254.169.254/32 -j DROP"), v4);
        String v6 = ok(nsHost, "ip6tables", "-w", "-S");
        assertEquals(1, count(v6, "-A OUTPUT -d fd00:ec2::254/128 -m owner --uid-owner " + uid + " -j DROP"), v6);
        assertEquals(1, count(v6, "-A DOCKER-USER -d fd00:ec2::254/128 -j DROP"), v6);
    }

    /**
     * docker-autoscaler workers run jobs in containers too: their user data (as the evaluated template
     * carries it) writes the same script and runs its docker rule at every Docker start.
     */
    @Test
    void workerContainersDoNotReachImdsEither() throws Exception {
        String worker = renderedWorker();
        Path workerFirewall = dir.resolve("worker-imds-firewall");
        Files.writeString(workerFirewall, heredoc(worker, "/usr/local/sbin/vending-imds-firewall"));
        List<String> args = invocation(worker, "ExecStartPost=");
        assertEquals(List.of("docker"), args);
        assertTrue(imdsv2(nsCtr, null), "container before the rules");

        dockerStartsAndHooksItsChain();
        for (int i = 0; i < 2; i++) {
            ok(nsHost, "bash", workerFirewall.toString(), args.get(0));
        }

        assertFalse(imdsv2(nsCtr, null), "a job's container on a worker must not reach IMDS");
        assertTrue(imdsv2(nsHost, null), "the worker itself keeps IMDS");
        assertTrue(reachesOtherHosts(nsCtr), "containers still reach everything else through the host");
        assertEquals(1, count(ok(nsHost, "iptables", "-w", "-S"), "-A DOCKER-USER -d 169.254.169.254/32 -j DROP"));
        assertEquals(1, count(ok(nsHost, "ip6tables", "-w", "-S"), "-A DOCKER-USER -d fd00:ec2::254/128 -j DROP"));
    }

    @Test
    void refusesToCutRootOff() throws Exception {
        assertTrue(run(List.of("ip", "netns", "exec", nsHost, "bash", firewall.toString(), "jobs-user", "root")).code != 0);
        assertTrue(imdsv2(nsHost, null));
        assertEquals(0, count(ok(nsHost, "iptables", "-w", "-S"), "--uid-owner"));
    }

    /** What Docker does at start: create DOCKER-USER and jump to it first in FORWARD. */
    private void dockerStartsAndHooksItsChain() throws Exception {
        ok(nsHost, "iptables", "-w", "-N", "DOCKER-USER");
        ok(nsHost, "iptables", "-w", "-I", "FORWARD", "1", "-j", "DOCKER-USER");
    }

    /** IMDSv2 as the AWS SDKs use it: PUT a token, then GET with it. {@code user} null for root. */
    private boolean imdsv2(String ns, String user) throws Exception {
        List<String> prefix = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        if (user != null) {
            String uid = ok(null, "id", "-u", user).strip();
            String gid = ok(null, "id", "-g", user).strip();
            prefix.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups"));
        }
        List<String> put = new ArrayList<>(prefix);
        put.addAll(List.of("curl", "-fsS", "-m", "2", "-X", "PUT", "http://" + IMDS + "/latest/api/token",
                "-H", "X-aws-ec2-metadata-token-ttl-seconds: 60"));
        Result token = run(put);
        if (token.code != 0) {
            return false;
        }
        List<String> get = new ArrayList<>(prefix);
        get.addAll(List.of("curl", "-fsS", "-m", "2", "-H", "X-aws-ec2-metadata-token: " + token.out,
                "http://" + IMDS + "/latest/meta-data/instance-id"));
        Result id = run(get);
        assertTrue(id.code != 0 || id.out.equals(FakeImds.INSTANCE_ID), id.out);
        return id.code == 0;
    }

    private boolean reachesOtherHosts(String ns) throws Exception {
        return run(List.of("ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "2", "10.99.1.2")).code == 0
                || run(List.of("ip", "netns", "exec", ns, "curl", "-s", "-m", "2", "-o", "/dev/null", "http://10.99.1.2:9/")).out.isEmpty();
    }

    static String renderedLinuxBootstrap() {
        return BootstrapImdsTextTest.rendered(FleetSpec.builder().executor(Executor.DOCKER).build());
    }

    /** The workers' user data as the evaluated docker-autoscaler template hands it to EC2. */
    static String renderedWorker() {
        FleetSpec spec = FleetSpec.builder().executor(Executor.DOCKER_AUTOSCALER).build();
        dev.vending.testing.CfnEvaluator.Evaluated e = dev.vending.testing.CfnEvaluator
                .fromYaml(dev.vending.cfn.TemplateFormat.YAML.render(dev.vending.fleet.FleetTemplate.build(spec)))
                .parameter("VpcId", "vpc-1").parameter("SubnetIds", "subnet-1").parameter("RunnerToken", "glrt-x").evaluate();
        Object userData = ((java.util.Map<?, ?>) e.properties("WorkerLaunchTemplate").get("LaunchTemplateData")).get("UserData");
        return dev.vending.testing.CfnEvaluator.userDataScript(userData);
    }

    /** The file a rendered script writes with {@code cat >PATH <<'VENDING_EOF'}. */
    static String heredoc(String script, String path) {
        String open = "cat >" + path + " <<'VENDING_EOF'\n";
        int at = script.indexOf(open);
        assertTrue(at >= 0, "the bootstrap writes " + path);
        int end = script.indexOf("\nVENDING_EOF\n", at);
        return script.substring(at + open.length(), end + 1);
    }

    /** Arguments of the firewall script in the rendered systemd line starting with {@code key}. */
    static List<String> invocation(String script, String key) {
        Matcher m = Pattern.compile(Pattern.quote(key) + "/usr/local/sbin/vending-imds-firewall ([a-z -]+?)(\\\\n|')").matcher(script);
        assertTrue(m.find(), "no " + key + " line running the firewall script");
        return List.of(m.group(1).split(" "));
    }

    private static int count(String text, String line) {
        return (int) text.lines().filter(l -> l.equals(line) || l.contains(line) && line.startsWith("--")).count();
    }

    private static String missingTools() throws Exception {
        Result whoami = run(List.of("id", "-u"));
        if (!whoami.out.strip().equals("0")) {
            return "needs root for network namespaces";
        }
        for (String tool : List.of("ip", "iptables", "ip6tables", "setpriv", "curl")) {
            if (run(List.of("sh", "-c", "command -v " + tool)).code != 0) {
                return tool + " is not installed (./run-tests installs iptables)";
            }
        }
        return null;
    }

    private static void skip(String reason) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(reason + " (CI must run the IMDS firewall test)");
        }
        Assumptions.abort(reason);
    }

    private String ok(String ns, String... cmd) throws Exception {
        List<String> full = new ArrayList<>();
        if (ns != null) {
            full.addAll(List.of("ip", "netns", "exec", ns));
        }
        full.addAll(List.of(cmd));
        Result r = run(full);
        assertEquals(0, r.code, String.join(" ", full) + ": " + r.out);
        return r.out;
    }

    private record Result(int code, String out) {
    }

    private static Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(124, out);
        }
        return new Result(p.exitValue(), out);
    }
}
