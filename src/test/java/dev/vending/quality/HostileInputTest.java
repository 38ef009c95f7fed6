package dev.vending.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vending.cli.CliRun;

/**
 * Every generate option fed hostile and malformed values: each run either succeeds and writes a
 * template, or fails with exit 1 or 2 and exactly one line on stderr (never an exception or stack
 * trace), leaving the existing -o file untouched and no temporary file behind.
 */
@Tag("slow")
class HostileInputTest {
    private static final String ORIGINAL = "ORIGINAL CONTENT\n";

    /** Values no option may accept: shell and PowerShell metacharacters, control characters, odd Unicode. */
    static final List<String> HOSTILE = List.of(
            "", " ", "\t", "$(reboot)", "`reboot`", "'; rm -rf /", "\"; rm -rf / #", "a;b", "a|b", "a&&b", "a\nb", "a\rb",
            "line\n--name=x", "<powershell>", "</powershell>", "${AWS::StackName}", "${GitLabUrl}", "@@FLEET_NAME@@",
            "%s%n", "\u0000", "a\u0000b", "\u2018x\u2019", "\u201Ax\u201B", "caf\u00e9", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
            "\ud83d\ude80", "\u202Eevil", "\\", "..", "../../etc/passwd", "x".repeat(10_000), "-1", "99999999999",
            "-99999999999", "0x10", "1e3", "NaN", "null", "true", "*", "'", "\"", "#", "&", "!", "$HOME", "\u00a0");

    /** Values for the numeric options: out of range and not numbers. */
    static final List<String> NUMBERS = List.of("", " ", "99999999999", "-99999999999", "2147483648", "-2147483649",
            "-1", "5001", "1.5", "1e3", "0x", "NaN", "one", "$(reboot)", "1;reboot", "1\n2", "\u00a01");

    /** Options that take a string value, and the ones that take an integer. */
    static final List<String> STRING_OPTIONS = List.of("--name", "--arch", "--os", "--instance-types", "--executor",
            "--runner-tags", "--gitlab-url", "--runner-version", "--docker-image", "--timezone", "--cache", "--format",
            "--schedule-start", "--schedule-stop", "--drain-timeout", "--scale-on", "--alarm-topic-arn", "--idle-time",
            "--fleeting-plugin-version", "--permissions-boundary", "--kms-key-arn", "--job-role-subject", "--job-policy-arn",
            "--oidc-provider-arn");
    static final List<String> INT_OPTIONS = List.of("--runners", "--min", "--max", "--spot-percent", "--on-demand-base",
            "--concurrency", "--schedule-runners", "--volume-size", "--schedule-min", "--max-use-count", "--idle-count");

    @TempDir
    Path dir;

    @org.junit.jupiter.api.Test
    void everyValueTakingOptionOfGenerateIsCovered() {
        java.util.Set<String> covered = new java.util.HashSet<>(STRING_OPTIONS);
        covered.addAll(INT_OPTIONS);
        covered.add("--output-file"); // -o: its own tests below
        List<String> missing = dev.vending.cli.Main.commandLine().getSubcommands().get("generate").getCommandSpec().options().stream()
                .filter(o -> o.arity().max() > 0 && !o.usageHelp() && !o.versionHelp())
                .map(o -> o.longestName()).filter(n -> !covered.contains(n)).toList();
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), missing, "options without hostile-input cases");
    }

    @Test
    void hostileValuesAreRefusedCleanlyForEveryOption() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String option : STRING_OPTIONS) {
            for (String value : HOSTILE) {
                if (acceptable(option, value)) {
                    continue;
                }
                check(problems, true, withContext(option, value));
            }
        }
        for (String option : INT_OPTIONS) {
            for (String value : NUMBERS) {
                // 5001 is a valid volume size, and a valid --max (runners plus a rolling batch may exceed 5000)
                // and a valid --max-use-count (jobs before a docker-autoscaler worker is replaced)
                boolean valid = (option.equals("--volume-size") || option.equals("--max") || option.equals("--max-use-count"))
                        && value.equals("5001");
                check(problems, !valid, withContext(option, value));
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " hostile inputs were not refused cleanly:\n" + String.join("\n", problems));
        }
    }

    /** Seeded random junk (replay with -Dvending.seed=N): success with a template, or a clean refusal. */
    @Test
    void randomJunkNeverCrashes() throws Exception {
        long seed = RandomFleets.seed();
        System.out.println("HostileInputTest: seed " + seed + " (replay with -Dvending.seed=" + seed + ")");
        Random random = new Random(seed);
        String alphabet = "abcxyzAZ019-_.:/@,;|&$`'\"\\()<>{}[]*?!#%^~= \t\n\r\u00e9\u2018\u2019\u0000\u00a0\ud83d\ude80";
        List<String> problems = new ArrayList<>();
        List<String> options = Stream.concat(STRING_OPTIONS.stream(), INT_OPTIONS.stream()).toList();
        for (int i = 0; i < 400; i++) {
            String option = options.get(random.nextInt(options.size()));
            StringBuilder v = new StringBuilder();
            int length = random.nextInt(4) == 0 ? random.nextInt(400) : random.nextInt(12);
            for (int k = 0; k < length; k++) {
                v.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            check(problems, false, withContext(option, v.toString()));
        }
        if (!problems.isEmpty()) {
            fail("seed " + seed + ": " + problems.size() + " junk inputs misbehaved:\n" + String.join("\n", problems));
        }
    }

    @Test
    void outputToADirectoryIsRefused() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        CliRun r = CliRun.of("generate", "-o", sub.toString());
        assertCleanFailure(r, "-o " + sub);
        try (Stream<Path> s = Files.list(sub)) {
            assertEquals(0, s.count(), "nothing written into the directory");
        }
    }

    @Test
    void outputIntoAMissingDirectoryOrUnderAFileIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), ORIGINAL);
        for (Path target : List.of(dir.resolve("missing/out.yaml"), file.resolve("out.yaml"), dir.resolve("missing/deeper/out.yaml"))) {
            CliRun r = CliRun.of("generate", "-o", target.toString());
            assertCleanFailure(r, "-o " + target);
        }
        assertEquals(ORIGINAL, Files.readString(file));
        assertEquals(List.of(file), listing());
        for (String empty : List.of("", " ")) {
            assertCleanFailure(CliRun.of("generate", "-o", empty), "-o '" + empty + "'");
        }
    }

    @Test
    void overlongFileNameIsRefusedCleanly() throws Exception {
        Path target = dir.resolve("x".repeat(300) + ".yaml");
        CliRun r = CliRun.of("generate", "-o", target.toString());
        assertCleanFailure(r, "-o <300-character name>");
        assertEquals(List.of(), listing(), "no temporary file left behind");
    }

    @Test
    void readOnlyOutputFileIsRefusedAndKept() throws Exception {
        Path target = Files.writeString(dir.resolve("ro.yaml"), ORIGINAL);
        try {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r--r--r--"));
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("no POSIX permissions on this file system");
        }
        Assumptions.assumeFalse(Files.isWritable(target),
                "running as root (or with CAP_DAC_OVERRIDE): a mode-0444 file is still writable, so there is nothing to refuse");
        assertCleanFailure(CliRun.of("generate", "-o", target.toString()), "-o read-only file");
        assertEquals(ORIGINAL, Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    /**
     * The root counterpart of the read-only case: root ignores file modes, but not the immutable
     * attribute, so this covers an unwritable {@code -o} file on machines where tests run as root.
     */
    @Test
    void immutableOutputFileIsRefusedAndKept() throws Exception {
        Path target = Files.writeString(dir.resolve("immutable.yaml"), ORIGINAL);
        Assumptions.assumeTrue(chattr("+i", target), "chattr +i is not possible here (needs root and a file system with attributes)");
        try {
            assertCleanFailure(CliRun.of("generate", "-o", target.toString()), "-o immutable file");
            assertEquals(ORIGINAL, Files.readString(target));
            assertEquals(List.of(target), listing(), "no temporary file left behind");
        } finally {
            chattr("-i", target);
        }
    }

    private static boolean chattr(String flag, Path file) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void theLargestAcceptedFleetNeedsNoExplicitMax() {
        // the default --max (runners plus a rolling batch) used to exceed the 5000 limit for --runners above 4000
        for (String runners : List.of("4001", "5000")) {
            CliRun r = CliRun.of("generate", "--runners", runners);
            assertEquals(0, r.exitCode(), "--runners " + runners + ": " + r.err());
        }
        CliRun r = CliRun.of("generate", "--runners", "10", "--schedule-start", "0 8 * * *", "--schedule-stop", "0 18 * * *",
                "--schedule-runners", "5000");
        assertEquals(0, r.exitCode(), "--schedule-runners 5000: " + r.err());
    }

    /** A value that is legitimately valid for the option (the hostile list is shared across options). */
    private static boolean acceptable(String option, String value) {
        return switch (option) {
            case "--name" -> value.matches("[a-zA-Z][a-zA-Z0-9-]{0,27}") && !value.endsWith("-");
            case "--runner-tags" -> value.matches("[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}");
            case "--docker-image" -> value.matches("[a-z0-9][a-z0-9._/:@-]{0,254}");
            case "--timezone" -> value.equals("UTC");
            default -> false;
        };
    }

    /** The option under test, plus the flags some values need to be checked at all (a schedule for --timezone, etc.). */
    private static String[] withContext(String option, String value) {
        List<String> args = new ArrayList<>();
        args.add(option + "=" + value);
        switch (option) {
            case "--timezone", "--schedule-runners" -> args.addAll(List.of("--schedule-start=0 8 * * *", "--schedule-stop=0 18 * * *"));
            case "--schedule-start" -> args.add("--schedule-stop=0 18 * * *");
            case "--job-role-subject" -> args.add("--job-role");
            case "--job-policy-arn", "--oidc-provider-arn" -> args.addAll(List.of("--job-role", "--job-role-subject=project_path:a/b"));
            case "--scale-on" -> args.add("--max=10");
            case "--schedule-min" -> args.addAll(List.of("--scale-on=cpu:60", "--max=10", "--schedule-start=0 8 * * *",
                    "--schedule-stop=0 18 * * *"));
            case "--schedule-stop" -> args.add("--schedule-start=0 8 * * *");
            // the docker-autoscaler options are checked in that mode (elsewhere they are refused as not applying)
            case "--idle-time", "--fleeting-plugin-version", "--max-use-count", "--idle-count" -> args.add("--executor=docker-autoscaler");
            default -> { }
        }
        return args.toArray(String[]::new);
    }

    private void check(List<String> problems, boolean mustFail, String... options) throws Exception {
        Path target = dir.resolve("fleet.yaml");
        Files.writeString(target, ORIGINAL);
        List<String> args = new ArrayList<>(List.of("generate", "-o", target.toString()));
        args.addAll(List.of(options));
        String what = describe(options);
        CliRun r;
        try {
            r = CliRun.of(args.toArray(String[]::new));
        } catch (Throwable t) {
            problems.add(what + ": threw " + t);
            return;
        }
        List<Path> left = listing();
        if (r.exitCode() == 0) {
            if (mustFail) {
                problems.add(what + ": accepted (exit 0)");
            } else if (!Files.readString(target).startsWith("AWSTemplateFormatVersion")) {
                problems.add(what + ": exit 0 but the file is not a template");
            }
        } else {
            String problem = cleanFailureProblem(r);
            if (problem != null) {
                problems.add(what + ": " + problem);
            }
            if (!ORIGINAL.equals(Files.readString(target))) {
                problems.add(what + ": failed but changed the -o file");
            }
        }
        if (!left.equals(List.of(target))) {
            problems.add(what + ": files left behind: " + left);
        }
    }

    private static String cleanFailureProblem(CliRun r) {
        if (r.exitCode() != 1 && r.exitCode() != 2) {
            return "exit " + r.exitCode() + ", stderr " + printable(r.err());
        }
        String err = r.err();
        if (!err.endsWith("\n") || err.indexOf('\n') != err.length() - 1 || err.isBlank()) {
            return "exit " + r.exitCode() + " but stderr is not exactly one line: " + printable(err);
        }
        if (err.contains("Exception") || err.contains("\tat ") || err.contains("Error:")) {
            return "exit " + r.exitCode() + " but stderr shows an exception: " + printable(err);
        }
        if (!r.out().isEmpty()) {
            return "failed but wrote to stdout: " + printable(r.out());
        }
        return null;
    }

    private static void assertCleanFailure(CliRun r, String what) {
        assertTrue(r.exitCode() != 0, what + " was accepted");
        String problem = cleanFailureProblem(r);
        assertTrue(problem == null, what + ": " + problem);
    }

    private List<Path> listing() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static String describe(String... options) {
        return printable(String.join(" ", options));
    }

    /** Escapes control characters and shortens long values so a failure list stays readable. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        String t = s.length() > 200 ? s.substring(0, 200) + "...(" + s.length() + " chars)" : s;
        for (char c : t.toCharArray()) {
            if (c < 0x20 || c == 0x7f || c == '\u202E') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8).length > 0 ? b.toString() : "";
    }
}
