package dev.vending.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The release archive the CI package job ships runs where it is unpacked (no clone, no mvnw):
 * src/test/tools/archive-smoke.sh builds it as CI does, unpacks it and runs the launcher there.
 */
@Tag("slow")
class ArchiveSmokeTest {

    @Test
    void unpackedReleaseArchiveRuns() throws IOException, InterruptedException {
        Path project = Path.of(System.getProperty("vending.project.dir", ".")).toAbsolutePath();
        Path script = project.resolve("src/test/tools/archive-smoke.sh");
        assertTrue(Files.isRegularFile(script), "missing " + script);
        Process p = new ProcessBuilder("bash", script.toString()).directory(project.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), "archive-smoke.sh failed:\n" + out);
        assertTrue(out.contains("archive-smoke: OK"), out);
    }
}
