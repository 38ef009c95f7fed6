package dev.vending.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vending.cfn.TemplateFormat;
import dev.vending.fleet.FleetTemplate;

/**
 * checkov (PyPI) over every template the project ships and a random-fleet sweep
 * (-Dvending.checkov.sweep=N, default {@value #DEFAULT_SWEEP}; seed printed): no failed check.
 * The skipped checks and their reasons live in one place, .checkov.yaml, and each is listed in
 * docs/security.md. checkov comes from {@code $VENDING_CHECKOV}, else the versioned cache
 * ./run-tests installs it into, else PATH; without it the test skips, except under CI=true.
 */
class CheckovTest {
    static final String VERSION = "3.3.30";
    static final int DEFAULT_SWEEP = 40;

    @TempDir
    Path dir;

    @Test
    void noFailedCheckInAnyTemplate() throws Exception {
        String checkov = find();
        List<Path> shipped;
        try (Stream<Path> t = Files.list(Path.of("templates")); Stream<Path> e = Files.list(Path.of("easybuttons"))) {
            shipped = Stream.concat(t, e).filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path p : shipped) {
            Files.copy(p, dir.resolve(p.getParent().getFileName() + "-" + p.getFileName()));
        }
        long seed = RandomFleets.seed();
        int count = Integer.getInteger("vending.checkov.sweep", DEFAULT_SWEEP);
        System.out.println("CheckovTest: " + shipped.size() + " shipped templates and " + count + " random fleets, seed " + seed
                + " (replay with -Dvending.seed=" + seed + ")");
        RandomFleets fleets = new RandomFleets(seed);
        List<String> descriptions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RandomFleets.Draw d = fleets.next();
            descriptions.add(d.description());
            Files.writeString(dir.resolve("sweep-" + i + ".yaml"), TemplateFormat.YAML.render(FleetTemplate.build(d.spec(), i % 4 == 0 && d.hasFullTemplate())));
        }

        Path out = dir.resolve("checkov.json");
        Process p = new ProcessBuilder(checkov, "-d", dir.toString(), "--config-file", ".checkov.yaml", "-o", "json", "--quiet",
                "--skip-download").redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            Assertions.fail("checkov did not finish within 15 minutes");
        }
        JsonNode report = new ObjectMapper().readTree(out.toFile());
        JsonNode summary = report.path("summary");
        assertEquals("cloudformation", report.path("check_type").asText(), "one CloudFormation report: " + summary);
        assertEquals(0, summary.path("parsing_errors").asInt(), summary.toString());
        StringBuilder failures = new StringBuilder();
        for (JsonNode f : report.path("results").path("failed_checks")) {
            String file = f.path("file_path").asText();
            Matcher m = Pattern.compile("sweep-(\\d+)\\.yaml").matcher(file);
            failures.append("\n  ").append(f.path("check_id").asText()).append(' ').append(f.path("check_name").asText())
                    .append(": ").append(f.path("resource").asText()).append(" in ").append(file)
                    .append(m.find() ? " = " + descriptions.get(Integer.parseInt(m.group(1))) : "");
        }
        System.out.println("CheckovTest: checkov " + VERSION + ": " + summary.path("passed").asInt() + " passed, "
                + summary.path("failed").asInt() + " failed, " + summary.path("skipped").asInt() + " skipped inline, "
                + skippedChecks().size() + " checks skipped by .checkov.yaml " + skippedChecks() + ", "
                + summary.path("resource_count").asInt() + " resources");
        assertEquals(0, summary.path("failed").asInt(), "checkov failed checks (fix the template, or skip with a reason in "
                + ".checkov.yaml and docs/security.md):" + failures);
        assertTrue(summary.path("passed").asInt() > 0, "checkov ran no check: " + summary);
        assertEquals(0, p.exitValue(), "checkov exit code");
    }

    @Test
    void everySkippedCheckHasItsReasonAndIsInTheSecurityDoc() throws IOException {
        List<String> lines = Files.readAllLines(Path.of(".checkov.yaml"));
        String doc = Files.readString(Path.of("docs/security.md"));
        List<String> skips = skippedChecks();
        assertTrue(!skips.isEmpty());
        for (String id : skips) {
            int at = lines.indexOf("  - " + id);
            assertTrue(at > 0 && lines.get(at - 1).trim().startsWith("#"), id + " needs a reason (a comment above it) in .checkov.yaml");
            assertTrue(doc.contains("`" + id + "`"), id + " is not listed in docs/security.md");
        }
    }

    static List<String> skippedChecks() throws IOException {
        Map<?, ?> config = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readValue(Path.of(".checkov.yaml").toFile(), Map.class);
        List<String> ids = new ArrayList<>();
        for (Object o : (List<?>) config.get("skip-check")) {
            ids.add(String.valueOf(o));
        }
        return ids;
    }

    private static String find() throws Exception {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("VENDING_CHECKOV");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        candidates.add(cache.resolve("vending/checkov-" + VERSION + "/bin/checkov").toString());
        candidates.add("checkov");
        for (String c : candidates) {
            String version = version(c);
            if (version != null && version.strip().equals(VERSION)) {
                return c;
            }
        }
        String reason = "checkov " + VERSION + " not found (./run-tests installs it into " + cache.resolve("vending/checkov-" + VERSION) + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(reason + "; CI must run it");
        }
        Assumptions.abort(reason);
        return null;
    }

    private static String version(String checkov) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(checkov, "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        }
    }
}
