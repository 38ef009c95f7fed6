package dev.vending.testing;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/** python3 modules a test's fake tools need: skipped without them, except under CI=true, where they must be there. */
public final class Python {
    private Python() {
    }

    /** Aborts the test (or fails it under CI) unless python3 can import {@code module}; {@code why} says what needs it. */
    public static void requireModule(String module, String why) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import " + module).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("python3 with " + module + " is needed under CI (" + why + "): " + out);
            }
            Assumptions.abort("python3 with " + module + " not available: " + out);
        }
    }
}
