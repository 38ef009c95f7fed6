package dev.vending.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vending.testing.CfnYaml;

class GenerateCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsTheTemplateOnStdout() {
        CliRun r = CliRun.of("generate", "--runners", "100", "--spot", "--arch", "arm64");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("AWSTemplateFormatVersion: '2010-09-09'\n"));
        assertEquals((Object) 100L, CfnYaml.at(CfnYaml.load(r.out()), "Parameters", "RunnerCount", "Default"));
    }

    @Test
    void writesJsonToAFile() throws Exception {
        Path out = dir.resolve("fleet.json");
        CliRun r = CliRun.of("generate", "--runners", "4", "--on-demand", "--arch", "x86_64", "--schedule-start", "0 8 * * 1-5",
                "--schedule-stop", "0 18 * * 1-5", "--timezone", "Europe/Berlin", "-o", out.toString(), "--format", "json");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("", r.out());
        assertEquals("Europe/Berlin", new ObjectMapper().readTree(out.toFile()).at("/Resources/ScheduledStart/Properties/TimeZone").asText());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temp files left behind");
        }
    }

    @Test
    void sameFlagsSameBytes() {
        String[] args = {"generate", "--runners", "7", "--spot-percent", "60", "--on-demand-base", "1", "--runner-tags", "a,b"};
        assertEquals(CliRun.of(args).out(), CliRun.of(args).out());
    }

    @Test
    void aliasesAndCaseAreAccepted() {
        assertEquals(0, CliRun.of("generate", "--arch", "aarch64").exitCode());
        assertEquals(0, CliRun.of("generate", "--arch", "AMD64", "--os", "Windows").exitCode());
    }

    @Test
    void helpAndVersion() {
        CliRun help = CliRun.of("generate", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("--spot-percent"));
        CliRun version = CliRun.of("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("vending "));
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("--runners", List.of("--runners", "many")),
                Arguments.of("--runners", List.of("--runners", "-3")),
                Arguments.of("--runners", List.of("--runners", "10", "--max", "5")),
                Arguments.of("--runners", List.of("--runners", "1", "--min", "2", "--max", "4")),
                Arguments.of("--max", List.of("--runners", "4", "--max", "4")),
                Arguments.of("--min", List.of("--min", "x")),
                Arguments.of("--max", List.of("--max", "-1")),
                Arguments.of("--arch", List.of("--arch", "sparc")),
                Arguments.of("--os", List.of("--os", "plan9")),
                Arguments.of("--executor", List.of("--executor", "kubernetes")),
                Arguments.of("--instance-types", List.of("--arch", "arm64", "--instance-types", "m5.large")),
                Arguments.of("--instance-types", List.of("--instance-types", "m99.gigantic")),
                Arguments.of("--arch", List.of("--os", "windows", "--arch", "arm64")),
                Arguments.of("--schedule-start", List.of("--schedule-start", "0 8 * *", "--schedule-stop", "0 18 * * *")),
                Arguments.of("--schedule-stop", List.of("--schedule-start", "0 8 * * *", "--schedule-stop", "99 18 * * *")),
                Arguments.of("--timezone", List.of("--schedule-start", "0 8 * * *", "--schedule-stop", "0 18 * * *", "--timezone", "Moon/Base")),
                Arguments.of("--gitlab-url", List.of("--gitlab-url", "gitlab.example.com")),
                Arguments.of("--gitlab-url", List.of("--gitlab-url", "ssh://git@gitlab.com")),
                Arguments.of("--spot-percent", List.of("--spot-percent", "150")),
                Arguments.of("--spot-percent", List.of("--spot-percent", "-1")),
                Arguments.of("--concurrency", List.of("--concurrency", "0")),
                Arguments.of("--spot", List.of("--spot", "--on-demand")),
                Arguments.of("--spot", List.of("--spot", "--spot-percent", "40")),
                Arguments.of("--executor", List.of("--os", "windows", "--executor", "docker")),
                Arguments.of("--format", List.of("--format", "xml")),
                Arguments.of("--cache", List.of("--cache", "nfs")),
                Arguments.of("--name", List.of("--name", "bad name")),
                Arguments.of("--volume-size", List.of("--volume-size", "1")),
                Arguments.of("--drain-timeout", List.of("--drain-timeout", "soon")),
                Arguments.of("--drain-timeout", List.of("--drain-timeout", "17h")),
                Arguments.of("--frobnicate", List.of("--frobnicate")));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badInput")
    void badInputIsOneLineNamingTheFlagExitTwoAndNothingWritten(String flag, List<String> args) throws Exception {
        Path out = dir.resolve("fleet.yaml");
        Files.writeString(out, "previous content\n");
        List<String> all = new ArrayList<>(List.of("generate"));
        all.addAll(args);
        all.addAll(List.of("-o", out.toString()));
        CliRun r = CliRun.of(all.toArray(String[]::new));
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("", r.out());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].contains(flag), "names " + flag + ": " + lines[0]);
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals("previous content\n", Files.readString(out));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void outputToADirectoryOrMissingDirectoryIsRefused() {
        CliRun toDir = CliRun.of("generate", "-o", dir.toString());
        assertEquals(2, toDir.exitCode());
        assertTrue(toDir.err().contains("-o: ") && toDir.err().contains("is a directory"), toDir.err());
        CliRun missing = CliRun.of("generate", "-o", dir.resolve("nope/fleet.yaml").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("does not exist"), missing.err());
    }

    @Test
    void unknownTypesNeedTheOverride() {
        assertEquals(2, CliRun.of("generate", "--instance-types", "m9g.large").exitCode());
        CliRun ok = CliRun.of("generate", "--instance-types", "m9g.large", "--allow-unknown-instance-types");
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.out().contains("m9g.large"));
    }

    @Test
    void mixedFleetWarnsAboutRunnerAuthenticationTokens() {
        CliRun r = CliRun.of("generate", "--runners", "4", "--spot-percent", "50", "--on-demand-base", "1");
        assertEquals(0, r.exitCode());
        assertTrue(r.err().contains("glrt-"), r.err());
        assertFalse(Arrays.stream(r.err().split("\n")).anyMatch(l -> l.contains("Exception")));
    }

    @Test
    void windowsFleetWarnsThatJobsCanReadTheToken() {
        CliRun windows = CliRun.of("generate", "--os", "windows");
        assertEquals(0, windows.exitCode(), windows.err());
        assertTrue(windows.err().contains("CI jobs on this fleet can read the runner token"), windows.err());
        CliRun linux = CliRun.of("generate", "--os", "linux", "--executor", "shell");
        assertEquals(0, linux.exitCode(), linux.err());
        assertFalse(linux.err().contains("can read the runner token"), linux.err());
    }
}
