package dev.vending.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vending.cli.CliRun;
import dev.vending.easybuttons.EasyButtons;
import dev.vending.testing.TemplateInvariants;

/**
 * The checked-in templates: the full templates in templates/ are exactly what their documented
 * commands produce, and they and every easy button lint clean (one cfn-lint run for all).
 */
@Tag("slow")
class CheckedInTemplatesTest {
    /** File name and the generate arguments documented in templates/README.md. */
    static final List<List<String>> FULL = List.of(
            List.of("vending-linux-arm64.yaml", "--all-parameters", "--os", "linux", "--arch", "arm64", "--spot"),
            List.of("vending-linux-x86_64.yaml", "--all-parameters", "--os", "linux", "--arch", "x86_64", "--spot"),
            List.of("vending-windows.yaml", "--all-parameters", "--os", "windows"));

    @TempDir
    Path dir;

    private static Path project() {
        return Path.of(System.getProperty("vending.project.dir", "."));
    }

    @Test
    void fullTemplatesAreCurrent() throws Exception {
        for (List<String> row : FULL) {
            Path fresh = dir.resolve(row.get(0));
            List<String> args = new ArrayList<>(List.of("generate"));
            args.addAll(row.subList(1, row.size()));
            args.addAll(List.of("-o", fresh.toString()));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, r.exitCode(), r.err());
            Path checkedIn = project().resolve("templates").resolve(row.get(0));
            String command = "./vending generate " + String.join(" ", row.subList(1, row.size())) + " -o templates/" + row.get(0);
            assertTrue(Files.exists(checkedIn), "missing " + checkedIn + "; run: " + command);
            assertEquals(Files.readString(checkedIn), Files.readString(fresh),
                    "templates/" + row.get(0) + " is stale; regenerate with: " + command);
            TemplateInvariants.check(Files.readString(fresh));
        }
    }

    @Test
    void fullTemplatesAndEasyButtonsLintClean() throws Exception {
        List<Path> files = new ArrayList<>();
        for (List<String> row : FULL) {
            files.add(project().resolve("templates").resolve(row.get(0)));
        }
        for (var f : EasyButtons.render(EasyButtons.DEFAULT_BASE_URL, "us-east-1", "easybuttons/").entrySet()) {
            if (f.getKey().endsWith(".yaml")) {
                Path p = dir.resolve(f.getKey());
                Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
                files.add(p);
            }
        }
        assertTrue(files.size() > 10, "templates found: " + files.size());
        CfnLint.Result result = CfnLint.lint(files);
        assertEquals(0, result.exitCode(), "cfn-lint findings:\n" + result.output());
    }
}
