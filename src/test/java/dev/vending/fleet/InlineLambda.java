package dev.vending.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs a custom resource's inline Python for real: the code as a template carries it becomes
 * {@code index.py}, and a driver (a test resource beside this class, with {@code response_url.py}) calls its
 * handler against moto's in-process AWS and prints one JSON object as its last line. Needs python3 with boto3 and moto;
 * skips without them, except under CI=true.
 */
final class InlineLambda {
    private InlineLambda() {
    }

    static JsonNode run(String code, String driver, Path dir) throws Exception {
        Files.writeString(dir.resolve("index.py"), code);
        Path script = dir.resolve("driver.py");
        copy(driver, script);
        copy("response_url.py", dir.resolve("response_url.py"));
        requireMoto();
        Process p = new ProcessBuilder("python3", script.toString(), dir.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        return new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = InlineLambda.class.getResourceAsStream(resource)) {
            Files.write(to, in.readAllBytes());
        }
    }

    private static void requireMoto() throws Exception {
        String reason = null;
        try {
            Process p = new ProcessBuilder("python3", "-c", "import boto3, moto").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                reason = "python3 with boto3 and moto is not available: " + out.strip();
            }
        } catch (IOException e) {
            reason = "python3 is not available: " + e.getMessage();
        }
        if (reason != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(reason + " (CI must run this test: pip install boto3 moto)");
            }
            Assumptions.abort(reason + "; skipping");
        }
    }
}
