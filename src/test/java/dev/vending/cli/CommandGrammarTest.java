package dev.vending.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The grammar every command shares: help, did-you-mean, --version, --quiet. */
class CommandGrammarTest {
    @TempDir
    Path dir;

    static List<String> commands() {
        return Main.COMMANDS;
    }

    @ParameterizedTest
    @MethodSource("commands")
    void helpCommandPrintsTheCommandsHelp(String command) {
        CliRun help = CliRun.of("help", command);
        assertEquals(0, help.exitCode(), help.err());
        assertEquals("", help.err());
        assertTrue(help.out().contains("Usage: vending " + command + " "), help.out());
        if (!command.equals("help")) {
            assertEquals(CliRun.of(command, "--help").out(), help.out());
        }
    }

    @Test
    void helpAloneIsTheRootHelp() {
        CliRun help = CliRun.of("help");
        assertEquals(0, help.exitCode());
        assertEquals(CliRun.of("--help").out(), help.out());
        assertTrue(help.out().contains("\n  help "), "the help command is listed: " + help.out());
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everySubcommandsVersionIsTheTools(String command) {
        CliRun root = CliRun.of("--version");
        assertTrue(root.out().startsWith("vending "), root.out());
        for (String flag : List.of("--version", "-V")) {
            CliRun sub = CliRun.of(command, flag);
            assertEquals(0, sub.exitCode(), sub.err());
            assertEquals(root.out(), sub.out(), command + " " + flag);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "generat                     | vending: unknown command 'generat'; did you mean generate?",
        "help generat                | vending: unknown command 'generat'; did you mean generate?",
        "destory --stack-name x      | vending: unknown command 'destory'; did you mean destroy?",
        "generate --runner 3         | vending generate: unknown option '--runner'; did you mean --runners?",
        "generate --runers=3         | vending generate: unknown option '--runers'; did you mean --runners?",
        "generate --spto             | vending generate: unknown option '--spto'; did you mean --spot?",
        "generate --sched 3          | vending generate: unknown option '--sched'; did you mean --schedule-start or --schedule-stop or --schedule-runners?",
        "cost --outptu json          | vending cost: unknown option '--outptu'; did you mean --output?",
        "status --stak-name x        | vending status: unknown option '--stak-name'; did you mean --stack-name?",
        "generate --frobnicate       | vending generate: unknown option '--frobnicate' (see",
    })
    void typosGetTheClosestNamesOnTheSameLineAndExitTwo(String args, String expected) {
        CliRun r = CliRun.of(args.trim().split(" "));
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("", r.out());
        List<String> lines = r.err().strip().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith(expected.trim()), lines.get(0));
        assertTrue(lines.get(0).endsWith("--help)"), lines.get(0));
    }

    @Test
    void closestNamesAreNearestFirstAndNothingFarOff() {
        List<String> names = List.of("--runners", "--runner-tags", "--runner-version", "--min", "--max");
        assertEquals(List.of("--runners"), Suggestions.closest("--runner", names));
        assertEquals(List.of("--min", "--max"), Suggestions.closest("--mon", names));
        assertEquals(List.of(), Suggestions.closest("--frobnicate", names));
        assertEquals(List.of("--runner-version"), Suggestions.closest("--runner-ver", names));
        assertEquals(1, Suggestions.distance("--spto", "--spot"));
        assertEquals(3, Suggestions.distance("kitten", "sitting"));
    }

    @Test
    void quietDropsTheAdviceAndCostLines() throws Exception {
        String[] mixed = {"generate", "--runners", "4", "--spot-percent", "50", "--on-demand-base", "1"};
        CliRun loud = CliRun.of(mixed);
        assertEquals(0, loud.exitCode(), loud.err());
        assertTrue(loud.err().contains("glrt-") && loud.err().contains("estimated cost"), loud.err());
        for (String flag : List.of("--quiet", "-q")) {
            List<String> args = new ArrayList<>(List.of(mixed));
            args.add(flag);
            CliRun quiet = CliRun.of(args.toArray(String[]::new));
            assertEquals(0, quiet.exitCode(), quiet.err());
            assertEquals("", quiet.err());
            assertEquals(loud.out(), quiet.out(), "the same template");
        }
        Path out = dir.resolve("fleet.yaml");
        CliRun toFile = CliRun.of("generate", "--quiet", "-o", out.toString());
        assertEquals(0, toFile.exitCode(), toFile.err());
        assertEquals(List.of("wrote " + out + " (" + Files.size(out) + " bytes)"), toFile.err().strip().lines().toList());
        assertFalse(CliRun.of("generate", "--quiet", "--runners", "x").err().isEmpty(), "errors are never quiet");
    }
}
