package dev.vending.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The startup rule: `vending generate` (and --help) never load an AWS SDK class. */
class GenerateLoadsNoSdkTest {
    @Test
    void generateLoadsNoAwsSdkClass() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xshare:auto", "-verbose:class", "-cp", System.getProperty("java.class.path"),
                "dev.vending.cli.Main", "generate", "--runners", "2").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log.substring(Math.max(0, log.length() - 2000)));
        assertTrue(log.contains("dev.vending.cli.DeployCommand"), "deploy's command class is loaded (picocli builds it)");
        List<String> sdk = log.lines().filter(l -> l.contains("software.amazon.awssdk")).toList();
        assertEquals(List.of(), sdk);
    }
}
