package dev.vending.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The AWS SDK must not load unless --live-prices is given: runs the CLI in a fresh JVM with
 * -verbose:class and looks for SDK classes.
 */
@Tag("slow")
class AwsSdkNotLoadedTest {

    static String classesLoaded(String... args) throws Exception {
        return classesLoaded(0, args);
    }

    static String classesLoaded(int expectedExit, String... args) throws Exception {
        Path log = Files.createTempFile("vending-classes", ".txt");
        try {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-verbose:class", "-cp", System.getProperty("java.class.path"), "dev.vending.cli.Main"));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            // no credentials, no IMDS: the live lookup fails fast, after loading the SDK
            pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
            pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
            pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", log + ".none");
            pb.environment().put("AWS_CONFIG_FILE", log + ".none");
            Process p = pb.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(expectedExit, p.exitValue(), out.lines().filter(l -> !l.startsWith("[")).reduce("", (a, b) -> a + b + "\n"));
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Test
    void defaultCostPathAndGenerateDoNotLoadTheSdk() throws Exception {
        assertTrue(System.getProperty("java.class.path").contains(File.pathSeparator), "needs the test class path");
        for (String[] args : List.of(new String[] {"cost", "--spot"}, new String[] {"cost", "--format", "json"}, new String[] {"cost", "--output", "json"},
                new String[] {"generate", "--spot"}, new String[] {"generate", "--os", "windows", "--format", "json"},
                new String[] {"--help"})) {
            String loaded = classesLoaded(args);
            assertTrue(loaded.contains("dev.vending.cli.Main"), "class loading log missing");
            assertFalse(loaded.contains("software.amazon.awssdk"), String.join(" ", args) + " loaded the AWS SDK");
            assertFalse(loaded.contains("dev.vending.cost.live."), String.join(" ", args) + " loaded the live price class");
        }
    }

    @Test
    void livePricesDoLoadTheSdk() throws Exception {
        // the control: proves the log would show the SDK (the lookup itself fails without credentials, exit 1)
        String loaded = classesLoaded(1, "cost", "--spot", "--live-prices");
        assertTrue(loaded.contains("software.amazon.awssdk"), "no SDK class in the log");
        assertTrue(loaded.contains("live Spot price of m7g.large in us-east-1"), loaded.lines().filter(l -> !l.startsWith("[")).toList().toString());
    }
}
