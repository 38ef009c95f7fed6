package dev.vending.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code vending} launcher in an installed layout (vending, vending.jar, lib/ side by side), with
 * a fake JAVA_HOME whose {@code java} records its arguments: which jar it runs, by which path, and
 * where the class-data-sharing archive goes. Fast; ArchiveSmokeTest runs the real archive.
 */
class LauncherTest {
    @TempDir
    Path dir;
    private Path install;
    private Path javaHome;
    private Path args;

    @BeforeEach
    void layout() throws IOException {
        install = Files.createDirectories(dir.resolve("opt/vending"));
        Path project = Path.of(System.getProperty("vending.project.dir", ".")).toAbsolutePath();
        Files.copy(project.resolve("vending"), install.resolve("vending"));
        assertTrue(install.resolve("vending").toFile().setExecutable(true));
        Files.writeString(install.resolve("vending.jar"), "not read by the fake java");
        Files.createDirectory(install.resolve("lib"));
        javaHome = Files.createDirectories(dir.resolve("jdk/bin")).getParent();
        args = dir.resolve("java-args");
        // the fake java: a training run (-XX:ArchiveClassesAtExit=F) writes F; every run records its arguments
        Path java = javaHome.resolve("bin/java");
        Files.writeString(java, """
                #!/bin/bash
                printf '%s\\n' "$@" >>"$FAKE_JAVA_ARGS"
                echo --- >>"$FAKE_JAVA_ARGS"
                for a in "$@"; do
                  case $a in -XX:ArchiveClassesAtExit=*) echo archive >"${a#-XX:ArchiveClassesAtExit=}" ;; esac
                done
                """);
        assertTrue(java.toFile().setExecutable(true));
    }

    private record Run(int code, String out) {
    }

    private Run run(Path cwd, String launcher, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(launcher, "generate", "--runners", "1").directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", dir.resolve("home").toString());
        pb.environment().remove("XDG_CACHE_HOME");
        pb.environment().remove("VENDING_JAVA_OPTS");
        pb.environment().remove("VENDING_NO_CDS");
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().put("FAKE_JAVA_ARGS", args.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "launcher hung: " + out);
        return new Run(p.exitValue(), out);
    }

    /** The argument lists of the fake java's runs, in order. */
    private List<List<String>> javaRuns() throws IOException {
        if (!Files.exists(args)) {
            return List.of();
        }
        String all = Files.readString(args);
        return java.util.Arrays.stream(all.split("---\n")).filter(s -> !s.isEmpty()).map(s -> List.of(s.split("\n"))).toList();
    }

    @Test
    void installedLayoutRunsTheJarBesideItByItsAbsolutePathWithTheArchiveInTheUserCache() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("work"));
        Run r = run(cwd, "../opt/vending/vending", Map.of());
        assertEquals(0, r.code(), r.out());
        List<List<String>> runs = javaRuns();
        assertEquals(2, runs.size(), "a training run, then the command: " + runs);
        Path jsa = dir.resolve("home/.cache/vending/cds" + install.toAbsolutePath() + "/vending.jsa");
        String jar = install.toAbsolutePath().resolve("vending.jar").toString();
        assertTrue(runs.get(0).stream().anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=" + jsa)), runs.get(0).toString());
        List<String> command = runs.get(1);
        assertTrue(command.contains("-XX:SharedArchiveFile=" + jsa), command.toString());
        int j = command.indexOf("-jar");
        assertEquals(jar, command.get(j + 1), "the jar by its absolute path (the CDS archive records it)");
        assertEquals(List.of("generate", "--runners", "1"), command.subList(j + 2, command.size()));
        assertTrue(Files.isRegularFile(jsa));

        // second run: the archive is reused, no training run
        Files.delete(args);
        assertEquals(0, run(cwd, install.resolve("vending").toString(), Map.of()).code());
        assertEquals(1, javaRuns().size(), javaRuns().toString());
        assertFalse(Files.exists(install.resolve("target")), "nothing written into the install");
    }

    @Test
    void aSymbolicLinkFindsTheInstallAndXdgCacheHomeIsHonoured() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("vending"), install.resolve("vending"));
        Path cache = dir.resolve("xdg");
        Run r = run(dir, bin.resolve("vending").toString(), Map.of("XDG_CACHE_HOME", cache.toString()));
        assertEquals(0, r.code(), r.out());
        List<String> command = javaRuns().get(javaRuns().size() - 1);
        assertEquals(install.toRealPath().resolve("vending.jar").toString(), command.get(command.indexOf("-jar") + 1));
        assertTrue(command.contains("-XX:SharedArchiveFile=" + cache + "/vending/cds" + install.toRealPath() + "/vending.jsa"),
                command.toString());
    }

    @Test
    void withoutAWritableCacheItRunsWithoutAnArchive() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("home-file"), "");
        Run r = run(dir, install.resolve("vending").toString(), Map.of("HOME", notADirectory.toString()));
        assertEquals(0, r.code(), r.out());
        List<List<String>> runs = javaRuns();
        assertEquals(1, runs.size(), runs.toString());
        assertTrue(runs.get(0).stream().noneMatch(a -> a.startsWith("-XX:SharedArchiveFile")), runs.toString());
    }

    @Test
    void aJavaHomeWithoutJavaIsOneClearLine() throws Exception {
        Run r = run(dir, install.resolve("vending").toString(), Map.of("JAVA_HOME", dir.resolve("nojdk").toString()));
        assertEquals(1, r.code());
        assertTrue(r.out().startsWith("vending: JAVA_HOME is "), r.out());
        assertEquals(1, r.out().strip().lines().count(), r.out());
        assertEquals(List.of(), javaRuns());
    }

    @Test
    void neitherLayoutIsOneClearLine() throws Exception {
        Files.delete(install.resolve("vending.jar"));
        Run r = run(dir, install.resolve("vending").toString(), Map.of());
        assertEquals(1, r.code());
        assertTrue(r.out().contains("found neither"), r.out());
    }
}
