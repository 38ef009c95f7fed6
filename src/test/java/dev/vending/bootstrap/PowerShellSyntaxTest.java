package dev.vending.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vending.fleet.BootstrapValues;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.OperatingSystem;

/**
 * PowerShell cannot be installed on this project's machines, so the Windows scripts are at least
 * parsed by the tree-sitter PowerShell grammar (node + WebAssembly). .ci/run installs the two npm
 * packages into .tools/ps-syntax; without them the test skips, except under CI where it fails.
 */
@Tag("slow")
class PowerShellSyntaxTest {
    static final String INSTALL = "npm install --prefix .tools/ps-syntax --no-audit --no-fund --ignore-scripts "
            + "tree-sitter-powershell@0.26.4 web-tree-sitter@0.25.10";

    @TempDir
    Path dir;

    @Test
    void renderedWindowsScriptsParse() throws Exception {
        Path tools = Path.of(System.getProperty("vending.project.dir", "."), ".tools", "ps-syntax");
        boolean present = Files.isDirectory(tools.resolve("node_modules/web-tree-sitter"))
                && Files.isDirectory(tools.resolve("node_modules/tree-sitter-powershell"));
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("the PowerShell grammar is required on CI: " + INSTALL);
        }
        assumeTrue(present, "PowerShell grammar not installed (" + INSTALL + "); skipping the Windows syntax check");

        List<String> files = new ArrayList<>();
        int n = 0;
        for (FleetSpec spec : Scripts.allShapes()) {
            if (spec.os() != OperatingSystem.WINDOWS) {
                continue;
            }
            for (Map<Placeholder, String> deployTime : List.of(Map.<Placeholder, String>of(), Map.of(Placeholder.CONCURRENCY, "${Concurrency}"))) {
                RenderedScript script = BootstrapValues.render(spec, deployTime);
                Map<String, String> runtime = new java.util.LinkedHashMap<>(Scripts.runtime(spec));
                runtime.put("Concurrency", "8");
                // the script as it runs, and the user data that carries it packed
                for (String text : List.of(script.resolve(runtime), script.userData(runtime))) {
                    assertTrue(text.startsWith("<powershell>\n") && text.stripTrailing().endsWith("</powershell>"), "user data tags");
                    // the EC2Launch tags are not PowerShell: check what is between them
                    String inner = text.substring("<powershell>\n".length(), text.stripTrailing().length() - "</powershell>".length());
                    Path f = dir.resolve("bootstrap-" + (n++) + ".ps1");
                    Files.writeString(f, inner, StandardCharsets.UTF_8);
                    files.add(f.toString());
                }
            }
        }
        Path watcher = dir.resolve("windows-watcher.ps1");
        Files.writeString(watcher, Bootstrap.resource("windows-watcher.ps1"), StandardCharsets.UTF_8);
        files.add(watcher.toString());

        Path checker = tools.resolve("ps-syntax.mjs");
        try (InputStream in = PowerShellSyntaxTest.class.getResourceAsStream("/bootstrap/ps-syntax.mjs")) {
            Files.write(checker, in.readAllBytes());
        }
        List<String> cmd = new ArrayList<>(List.of("node", checker.getFileName().toString()));
        cmd.addAll(files);
        Process p = new ProcessBuilder(cmd).directory(tools.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "node timed out");
        assertEquals(0, p.exitValue(), "PowerShell syntax errors:\n" + out);
    }

    @Test
    void theCheckerFindsErrors() throws Exception {
        Path tools = Path.of(System.getProperty("vending.project.dir", "."), ".tools", "ps-syntax");
        assumeTrue(Files.isDirectory(tools.resolve("node_modules/tree-sitter-powershell")), "PowerShell grammar not installed");
        Path checker = tools.resolve("ps-syntax.mjs");
        try (InputStream in = PowerShellSyntaxTest.class.getResourceAsStream("/bootstrap/ps-syntax.mjs")) {
            Files.write(checker, in.readAllBytes());
        }
        Path bad = dir.resolve("bad.ps1");
        Files.writeString(bad, "if ($x { 'unclosed'\n");
        Process p = new ProcessBuilder("node", checker.getFileName().toString(), bad.toString()).directory(tools.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("syntax error"), out);
    }
}
