package dev.vending.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The usage help of every command: within its width, no word or URL broken across lines, whole
 * summaries in the command list, every option in a group.
 */
class HelpTextTest {

    /** Every command's help (the root's under "vending") at the given width. */
    static Map<String, String> helps(int width) {
        CommandLine root = Main.commandLine();
        root.setUsageHelpWidth(width);
        Map<String, String> helps = new LinkedHashMap<>();
        helps.put("vending", root.getUsageMessage(CommandLine.Help.Ansi.OFF));
        root.getSubcommands().forEach((name, sub) -> helps.put(name, sub.getUsageMessage(CommandLine.Help.Ansi.OFF)));
        return helps;
    }

    static List<String> words(String text) {
        return Arrays.asList(text.strip().split("\\s+"));
    }

    @Test
    void noLineIsWiderThanTheUsageWidth() {
        int width = Main.commandLine().getCommandSpec().usageMessage().width();
        assertEquals(80, width);
        helps(width).forEach((command, help) -> help.lines().forEach(line -> assertTrue(line.length() <= width,
                command + ": " + line.length() + " columns: " + line)));
    }

    /**
     * Wrapping may only turn spaces into line breaks: the words read the same as in a help so wide
     * that nothing wraps. A word split at a hyphen, or a URL at a colon, reads as two words.
     */
    @Test
    void noWordOrUrlIsBrokenAcrossLines() {
        Map<String, String> wide = helps(10_000);
        helps(80).forEach((command, help) -> assertEquals(words(wide.get(command)), words(help), command));
    }

    /** The control: the check above catches picocli's own wrapping, which breaks words. */
    @Test
    void theCheckCatchesPicocliWrapping() {
        CommandLine plain = new CommandLine(new GenerateCommand());
        String narrow = plain.getUsageMessage(CommandLine.Help.Ansi.OFF);
        plain.setUsageHelpWidth(10_000);
        assertNotEquals(words(plain.getUsageMessage(CommandLine.Help.Ansi.OFF)), words(narrow));
    }

    @Test
    void theCommandListShowsEverySummaryWhole() {
        String root = helps(80).get("vending");
        Main.commandLine().getSubcommands().forEach((name, sub) -> {
            String summary = HelpLayout.summary(sub.getCommandSpec());
            assertTrue(summary.endsWith("."), name + "'s summary is not a sentence: " + summary);
            String listed = String.join(" ", words(root));
            assertTrue(listed.contains(name + " " + String.join(" ", words(summary))), name + " not listed whole:\n" + root);
        });
    }

    @Test
    void everyOptionOfEveryCommandIsInAGroup() {
        List<String> missing = new ArrayList<>();
        CommandLine root = Main.commandLine();
        List<CommandLine> all = new ArrayList<>(List.of(root));
        all.addAll(root.getSubcommands().values());
        for (CommandLine c : all) {
            for (OptionSpec o : c.getCommandSpec().options()) {
                if (!o.hidden() && OptionGroups.groupOf(o) == null) {
                    missing.add(c.getCommandSpec().qualifiedName() + " " + o.longestName());
                }
            }
        }
        assertEquals(List.of(), missing, "options in no group: add them to OptionGroups");
    }

    @Test
    void commandsWithManyOptionsShowThemInGroups() {
        Map<String, String> helps = helps(80);
        for (String command : List.of("generate", "deploy", "cost")) {
            for (String heading : List.of("Fleet:", "Capacity:", "Schedule:", "AWS:", "Output:", "General:")) {
                if (!(command.equals("generate") && heading.equals("AWS:"))) {
                    assertTrue(helps.get(command).contains("\n" + heading + "\n"), command + " lacks " + heading);
                }
            }
        }
        assertTrue(helps.get("generate").indexOf("--runners=N") > helps.get("generate").indexOf("\nCapacity:\n"));
        assertTrue(helps.get("generate").indexOf("--runners=N") < helps.get("generate").indexOf("\nSchedule:\n"));
        for (String few : List.of("status", "destroy", "easybuttons")) {
            assertTrue(helps.get(few).contains("\nOptions:\n"), few + ": few options, one list");
        }
    }

    @Test
    void wrapKeepsQuotedExamplesAndIndentation() {
        assertEquals(List.of("a b", "\"0 8 * * 1-5\"", "c"), HelpLayout.wrap("a b \"0 8 * * 1-5\" c", 8));
        assertEquals(List.of("  one", "  two"), HelpLayout.wrap("  one two", 6));
        assertEquals(List.of("averyveryverylongword", "x"), HelpLayout.wrap("averyveryverylongword x", 5));
    }
}
