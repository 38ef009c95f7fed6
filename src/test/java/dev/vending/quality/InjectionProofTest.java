package dev.vending.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vending.bootstrap.Bootstrap;
import dev.vending.bootstrap.HostOs;
import dev.vending.bootstrap.RenderedScript;
import dev.vending.fleet.BootstrapValues;
import dev.vending.fleet.CacheMode;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.OperatingSystem;

/**
 * Proves the bootstrap header's quoting by running it: bash evaluates the rendered assignments and
 * prints the variables back, which must equal the inputs byte for byte, with no side effect (a
 * command smuggled into a value would create a file in the working directory).
 */
class InjectionProofTest {
    /** Every header variable vending fills, in the order the check prints them. */
    private static final List<String> VARIABLES = List.of("VENDING_FLEET", "VENDING_EXECUTOR", "VENDING_CONCURRENCY",
            "VENDING_RUNNER_VERSION", "VENDING_ARCH", "VENDING_USER_TAGS", "VENDING_FIXED_TAGS", "VENDING_DOCKER_IMAGE",
            "VENDING_DOCKER_PRIVILEGED", "VENDING_CACHE", "VENDING_DRAIN_LIMIT", "VENDING_JOBS_IMDS", "VENDING_GITLAB_URL", "VENDING_TOKEN_SOURCE",
            "VENDING_REGION", "VENDING_STACK", "VENDING_ASG", "VENDING_LAUNCH_HOOK", "VENDING_TERMINATE_HOOK", "VENDING_SIGNAL_RESOURCE",
            "VENDING_CACHE_BUCKET", "VENDING_LOG_GROUP");

    /** Strings that would run a command (touching a file named pwned*) if quoting failed. */
    static final List<String> HOSTILE = List.of(
            "$(touch pwned1)", "`touch pwned2`", "'; touch pwned3; '", "'\"'\"'; touch pwned4 #", "a\ntouch pwned5\n",
            "x'$(touch pwned6)'y", "\"$(touch pwned7)\"", "${IFS}touch${IFS}pwned8", "$'\\x41'", "!!", "\\'", "\\", "a'b'c", "''",
            "'", "\u2018\u2019\u201A\u201B", "caf\u00e9 \ud83d\ude80", "--", "-e", "*", "~", "%s%n", "$HOME", "\t \r\n",
            "<powershell>Remove-Item C:\\ -Recurse</powershell>", "'@\n", "VENDING_EOF", "; reboot", "| touch pwned9", "");

    @TempDir
    Path dir;

    @Test
    void acceptedSpecsRoundTripThroughTheRenderedHeader() throws Exception {
        long seed = RandomFleets.seed();
        System.out.println("InjectionProofTest: seed " + seed + " (replay with -Dvending.seed=" + seed + ")");
        RandomFleets fleets = new RandomFleets(seed);
        List<RandomFleets.Draw> draws = new ArrayList<>();
        draws.add(new RandomFleets.Draw(FleetSpec.builder().name("Z9-a-b").tags(List.of("k8s:deploy", "a_b.c-d", "9"))
                .dockerImage("registry.example.com:5000/team/img@sha256:abc").gitlabUrl("https://git.example.com:8443/~x/%41-_/")
                .runnerVersion("999.0.1").build(), "hand-picked edge values"));
        while (draws.size() < 60) {
            RandomFleets.Draw d = fleets.next();
            if (d.spec().os() == OperatingSystem.LINUX) {
                draws.add(d);
            }
        }
        for (RandomFleets.Draw d : draws) {
            FleetSpec spec = d.spec();
            RenderedScript script = BootstrapValues.render(spec);
            Map<String, String> runtime = runtime(spec);
            String header = new RenderedScript(BootstrapValues.hostOs(spec.os()), script.header(), "").resolve(runtime);
            List<String> expected = List.of(spec.name(), spec.runner().executor().id(), Integer.toString(spec.runner().concurrency()),
                    spec.runner().version(), spec.arch().goName(), String.join(",", spec.runner().tags()),
                    String.join(",", spec.runnerTags().fixed()), spec.runner().dockerImage(),
                    Boolean.toString(spec.runner().privileged()), spec.cache() == CacheMode.S3 ? "s3" : "none",
                    Integer.toString(dev.vending.fleet.RunnerSettings.DEFAULT_DRAIN_SECONDS),
                    spec.security().jobsUseInstanceRole() ? "allowed" : "blocked", runtime.get("GitLabUrl"), runtime.get("TokenSource"),
                    runtime.get("AWS::Region"), runtime.get("AWS::StackName"), runtime.get("AsgName"), runtime.get("LaunchHookName"),
                    runtime.get("TerminateHookName"), runtime.get("SignalResource"), runtime.get("CacheBucket"), runtime.get("LogGroup"));
            assertEquals(expected, evaluate(header), "seed " + seed + ": " + d.description());
        }
        assertNoSideEffect();
    }

    /** The real Linux header with every generate-time placeholder set to a hostile string through Bootstrap.quote. */
    @Test
    void hostileValuesInTheLinuxHeaderStayData() throws Exception {
        String template = resource("linux-header.sh");
        Matcher m = Pattern.compile("@@([A-Z0-9_]+)@@").matcher(template);
        assertTrue(m.find(), "header has placeholders");
        for (String hostile : HOSTILE) {
            if (hostile.contains("${")) {
                // The header goes through Fn::Sub after quoting, and quote() does not escape ${ (as ${!):
                // such a value would become a CloudFormation reference. Only validation keeps "$" out of
                // every generate-time value (HostileInputTest refuses ${...} for every option).
                continue;
            }
            String filled = m.reset().replaceAll(Matcher.quoteReplacement(Bootstrap.quote(hostile, HostOs.LINUX)));
            String header = new RenderedScript(HostOs.LINUX, filled, "").resolve(runtime(FleetSpec.builder().build()));
            List<String> values = evaluate(header);
            for (int i = 0; i < 11; i++) {
                assertEquals(hostile, values.get(i), VARIABLES.get(i) + " for " + HostileInputTest.printable(hostile));
            }
        }
        assertNoSideEffect();
    }

    @Test
    void bashQuoteRoundTripsThroughPrintf() throws Exception {
        StringBuilder script = new StringBuilder();
        for (String hostile : HOSTILE) {
            script.append("printf '%s\\0' ").append(Bootstrap.quote(hostile, HostOs.LINUX)).append('\n');
        }
        assertEquals(HOSTILE, bash(script.toString()));
        assertNoSideEffect();
    }

    /** pwsh is not installed here, so the quoting is checked against PowerShell's single-quoted string rule. */
    @Test
    void powerShellQuoteFollowsTheSingleQuotedStringRule() {
        assertEquals("'a''b'", Bootstrap.quote("a'b", HostOs.WINDOWS));
        for (String hostile : HOSTILE) {
            String quoted = Bootstrap.quote(hostile, HostOs.WINDOWS);
            String parsed = parsePowerShellSingleQuoted(quoted);
            assertNotNull(parsed, "the string must end exactly at the last character: " + HostileInputTest.printable(quoted));
            // PowerShell treats U+2018, U+2019, U+201A and U+201B as single quotes too; quote() turns each
            // into the escaped pair '' (safe, but such a character arrives as an ASCII apostrophe)
            assertEquals(hostile.replaceAll("[\u2018\u2019\u201A\u201B]", "'"), parsed, HostileInputTest.printable(hostile));
        }
        for (char q : new char[] {'\u2018', '\u2019', '\u201A', '\u201B'}) {
            assertEquals("'x''; Remove-Item C:\\ #'", Bootstrap.quote("x" + q + "; Remove-Item C:\\ #", HostOs.WINDOWS));
        }
    }

    /**
     * PowerShell's tokenizer for a single-quoted string: any of ' U+2018 U+2019 U+201A U+201B ends it,
     * unless followed by another of them, in which case the second is a literal character. Returns the
     * value, or null when the input is not exactly one such string.
     */
    static String parsePowerShellSingleQuoted(String s) {
        if (s.isEmpty() || !isSingleQuote(s.charAt(0))) {
            return null;
        }
        StringBuilder value = new StringBuilder();
        int i = 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (isSingleQuote(c)) {
                if (i + 1 < s.length() && isSingleQuote(s.charAt(i + 1))) {
                    value.append(s.charAt(i + 1));
                    i += 2;
                    continue;
                }
                return i == s.length() - 1 ? value.toString() : null;
            }
            value.append(c);
            i++;
        }
        return null;
    }

    private static boolean isSingleQuote(char c) {
        return c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201A' || c == '\u201B';
    }

    /** Deploy-time values as CloudFormation's Fn::Sub would fill them (within the parameters' AllowedPatterns). */
    private static Map<String, String> runtime(FleetSpec spec) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("GitLabUrl", spec.runner().gitlabUrl());
        v.put("TokenSource", "ssm:/vending/" + spec.name() + "/runner-token");
        v.put("AsgName", spec.name() + "-runners");
        v.put("LaunchHookName", Bootstrap.LAUNCH_HOOK);
        v.put("TerminateHookName", Bootstrap.TERMINATE_HOOK);
        v.put("SignalResource", "RunnerGroup");
        v.put("CacheBucket", spec.cache() == CacheMode.S3 ? spec.name().toLowerCase() + "-cache-123456789012-eu-central-1" : "");
        v.put("LogGroup", "/vending/" + spec.name());
        v.put("MetricNamespace", spec.scaling() != null ? dev.vending.fleet.Scaling.NAMESPACE : "");
        v.put("ProtectBusy", spec.scaling() != null ? "yes" : "");
        v.put("AWS::Region", "eu-central-1");
        v.put("AWS::StackName", spec.name());
        return v;
    }

    /** Runs the header in bash and returns the VENDING_* variables it set. */
    private List<String> evaluate(String header) throws Exception {
        StringBuilder script = new StringBuilder(header).append("\nprintf '%s\\0'");
        for (String v : VARIABLES) {
            script.append(" \"$").append(v).append('"');
        }
        return bash(script.append('\n').toString());
    }

    /** Runs a script file (UTF-8 bytes, whatever the JVM's locale) in {@link #dir}; NUL-separated stdout. */
    private List<String> bash(String script) throws IOException, InterruptedException {
        Path file = Files.createTempFile("vending-injection", ".sh");
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder("bash", "--norc", "--noprofile", file.toString()).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bash timed out");
            assertEquals(0, p.exitValue(), "bash failed");
            String text = new String(out, StandardCharsets.UTF_8);
            assertTrue(text.endsWith("\0"), "output ends with NUL");
            return Arrays.asList(text.substring(0, text.length() - 1).split("\0", -1));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void assertNoSideEffect() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.toList(), "an injected command created files");
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Bootstrap.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
