package dev.vending.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Start-up matters: the generate path must not load AWS SDK classes. Runs the real main in a
 * fresh JVM with class-load logging and checks every class it loaded.
 */
class GenerateLoadsNoAwsSdkTest {

    @Test
    void generateAndHelpLoadNoAwsSdkClass() throws Exception {
        for (List<String> args : List.of(List.of("generate", "--runners", "100", "--spot", "--arch", "arm64"), List.of("--help"),
                List.of("generate", "--os", "windows", "--format", "json"))) {
            String log = run(args);
            long sdk = log.lines().filter(l -> l.contains("software.amazon.")).count();
            assertEquals(0, sdk, "AWS SDK classes loaded by " + args + ":\n"
                    + String.join("\n", log.lines().filter(l -> l.contains("software.amazon.")).limit(5).toList()));
            assertTrue(log.lines().anyMatch(l -> l.contains("dev.vending.cli.Main")), "the log is real");
        }
    }

    private static String run(List<String> args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java.toString(), "-Xlog:class+load=info:stderr", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err.lines().filter(l -> !l.contains("[class,load]")).toList().toString());
        return err;
    }
}
