package dev.vending.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vending.cli.CliRun;
import dev.vending.testing.TemplateInvariants;

/** Issue 14's "done when": the elastic fleets from the command line, generated and full, lint clean in one run. */
class ScalingLintTest {
    @TempDir
    Path dir;

    @Test
    void elasticFleetsFromTheCommandLineLintClean() throws Exception {
        List<List<String>> commands = List.of(
                List.of("--scale-on", "jobs:75", "--min", "1", "--max", "50", "--spot", "--arch", "arm64"),
                List.of("--scale-on", "cpu:60"),
                List.of("--scale-on", "cpu:60", "--min", "1", "--max", "50", "--spot", "--arch", "arm64"),
                List.of("--scale-on", "jobs:50", "--max", "50", "--schedule-start", "0 8 * * 1-5", "--schedule-stop", "0 18 * * 1-5",
                        "--schedule-min", "2", "--timezone", "Europe/Berlin", "--spot-percent", "50", "--on-demand-base", "1"),
                List.of("--scale-on", "cpu:60", "--os", "windows", "--max", "10", "--schedule-start", "0 8 * * 1-5",
                        "--schedule-stop", "0 18 * * 1-5"),
                List.of("--all-parameters", "--scale-on", "jobs:75", "--max", "50", "--schedule-start", "0 8 * * 1-5",
                        "--schedule-stop", "0 18 * * 1-5"));
        List<Path> files = new ArrayList<>();
        for (List<String> flags : commands) {
            Path f = dir.resolve("elastic-" + files.size() + ".yaml");
            List<String> args = new ArrayList<>(List.of("generate", "-o", f.toString()));
            args.addAll(flags);
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, r.exitCode(), flags + ": " + r.err());
            String yaml = Files.readString(f);
            TemplateInvariants.check(yaml);
            assertTrue(yaml.contains("AWS::AutoScaling::ScalingPolicy"), flags.toString());
            files.add(f);
        }
        CfnLint.Result result = CfnLint.lint(files);
        assertEquals(0, result.exitCode(), "cfn-lint findings:\n" + result.output());
    }
}
