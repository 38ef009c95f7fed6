package dev.vending.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The usage help's layout. picocli wraps text where its line-break rules allow, which splits words
 * at hyphens and URLs at colons, and lists only the first line of a command's description; these
 * sections wrap at spaces only, list whole summaries, and show a command's options in the groups
 * of {@link OptionGroups} (the fields stay where they are; the table says where each is shown).
 * One class for every section, so start-up loads one class and runs none of it unless help is printed.
 */
final class HelpLayout implements IHelpSectionRenderer {
    /** Commands with more options than this show them in groups. */
    static final int GROUP_ABOVE = 12;
    private static final int INDENT = 2;
    private static final int SHORT_COLUMN = 4; // "-o, "
    private static final int LONG_COLUMN_MAX = 22;

    private final String section;

    private HelpLayout(String section) {
        this.section = section;
    }

    /** Call after the subcommands are added: picocli copies the map to the commands present. */
    static void install(CommandLine cli) {
        Map<String, IHelpSectionRenderer> map = new LinkedHashMap<>(cli.getHelpSectionMap());
        for (String key : new String[] {UsageMessageSpec.SECTION_KEY_HEADER, UsageMessageSpec.SECTION_KEY_DESCRIPTION,
                UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING, UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                UsageMessageSpec.SECTION_KEY_COMMAND_LIST, UsageMessageSpec.SECTION_KEY_FOOTER}) {
            map.put(key, new HelpLayout(key));
        }
        cli.setHelpSectionMap(map);
        for (CommandLine c : cli.getSubcommands().values()) {
            c.getCommandSpec().usageMessage().abbreviateSynopsis(true);
        }
        cli.getCommandSpec().usageMessage().abbreviateSynopsis(true).commandListHeading("%nCommands:%n");
    }

    @Override
    public String render(Help help) {
        UsageMessageSpec usage = help.commandSpec().usageMessage();
        return switch (section) {
            case UsageMessageSpec.SECTION_KEY_HEADER -> paragraphs(usage.header(), width(help));
            case UsageMessageSpec.SECTION_KEY_DESCRIPTION -> paragraphs(usage.description(), width(help));
            case UsageMessageSpec.SECTION_KEY_FOOTER -> paragraphs(usage.footer(), width(help));
            case UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING -> ""; // the option list writes its own headings
            case UsageMessageSpec.SECTION_KEY_OPTION_LIST -> optionList(help);
            case UsageMessageSpec.SECTION_KEY_COMMAND_LIST -> commandList(help);
            default -> throw new IllegalStateException(section);
        };
    }

    private static int width(Help help) {
        return help.commandSpec().usageMessage().width();
    }

    /** One paragraph per element (picocli's %n is a line break); each wrapped at spaces, keeping its indentation. */
    static String paragraphs(String[] elements, int width) {
        StringBuilder out = new StringBuilder();
        for (String element : elements) {
            for (String line : format(element).split("\n", -1)) {
                for (String wrapped : wrap(line, width)) {
                    out.append(wrapped).append('\n');
                }
            }
        }
        return out.toString();
    }

    /** picocli formats help text with String.format (for %n); text without '%' is left alone. */
    private static String format(String s) {
        return s.indexOf('%') < 0 ? s : String.format(s).replace("\r\n", "\n");
    }

    /** Greedy wrap at spaces; a word longer than the width stands alone on its line. Continuation lines keep the indentation. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        int indent = 0;
        while (indent < text.length() && text.charAt(indent) == ' ') {
            indent++;
        }
        String pad = " ".repeat(indent);
        StringBuilder line = new StringBuilder(pad);
        for (String word : words(text.substring(indent))) {
            if (line.length() > indent && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line = new StringBuilder(pad);
            }
            if (line.length() > indent) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /** The text's words; a "quoted example" with spaces (a cron expression) is one word, so it is never split. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder quoted = null;
        for (String word : text.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            if (quoted != null) {
                quoted.append(' ').append(word);
                if (word.indexOf('"') >= 0) {
                    words.add(quoted.toString());
                    quoted = null;
                }
            } else if (word.startsWith("\"") && word.indexOf('"', 1) < 0) {
                quoted = new StringBuilder(word);
            } else {
                words.add(word);
            }
        }
        if (quoted != null) {
            words.add(quoted.toString());
        }
        return words;
    }

    private static String commandList(Help help) {
        Map<String, Help> commands = help.subcommands();
        if (commands.isEmpty()) {
            return "";
        }
        int nameWidth = 0;
        for (String name : commands.keySet()) {
            nameWidth = Math.max(nameWidth, name.length());
        }
        int column = INDENT + nameWidth + 2;
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Help> e : commands.entrySet()) {
            out.append(row(" ".repeat(INDENT) + e.getKey(), summary(e.getValue().commandSpec()), column, width(help)));
        }
        return out.toString();
    }

    /** What the command list shows: the header, else the description's first element, whole. */
    static String summary(CommandSpec spec) {
        UsageMessageSpec usage = spec.usageMessage();
        String[] text = usage.header().length > 0 ? usage.header() : usage.description();
        return text.length == 0 ? "" : format(text[0]).strip().replace('\n', ' ');
    }

    private static String optionList(Help help) {
        CommandSpec spec = help.commandSpec();
        List<OptionSpec> visible = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!o.hidden()) {
                visible.add(o);
            }
        }
        if (visible.isEmpty()) {
            return "";
        }
        Help.IOptionRenderer renderer = help.createDefaultOptionRenderer();
        Help.IParamLabelRenderer labels = help.createDefaultParamLabelRenderer();
        Map<OptionSpec, Text[][]> rendered = new LinkedHashMap<>();
        int longWidth = 0;
        for (OptionSpec o : visible) {
            Text[][] rows = renderer.render(o, labels, help.colorScheme());
            rendered.put(o, rows);
            longWidth = Math.max(longWidth, rows[0][3].plainString().length());
        }
        int column = INDENT + SHORT_COLUMN + Math.min(longWidth, LONG_COLUMN_MAX) + 2;
        boolean grouped = visible.size() > GROUP_ABOVE;
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<OptionSpec>> group : OptionGroups.arrange(visible).entrySet()) {
            if (grouped) {
                out.append('\n').append(group.getKey()).append(":\n");
            } else if (out.length() == 0) {
                out.append("\nOptions:\n");
            }
            for (OptionSpec o : group.getValue()) {
                Text[][] rows = rendered.get(o);
                String shortName = rows[0][1].plainString();
                String names = shortName.isEmpty() ? "    " + rows[0][3].plainString()
                        : shortName + rows[0][2].plainString() + (rows[0][3].plainString().isEmpty() ? "" : " ") + rows[0][3].plainString();
                StringBuilder description = new StringBuilder();
                for (Text[] row : rows) {
                    String text = row[4].plainString().strip();
                    if (!text.isEmpty()) {
                        description.append(description.length() == 0 ? "" : " ").append(text);
                    }
                }
                out.append(row(" ".repeat(INDENT) + names, description.toString(), column, width(help)));
            }
        }
        return out.toString();
    }

    /** A name and its text: the text wrapped in the column from {@code column}, starting on the next line if the name reaches it. */
    private static String row(String name, String text, int column, int width) {
        StringBuilder out = new StringBuilder(name);
        List<String> lines = wrap(text, width - column);
        int first = 0;
        if (name.length() + 2 <= column && !text.isEmpty()) {
            out.append(" ".repeat(column - name.length())).append(lines.get(0));
            first = 1;
        } else if (text.isEmpty()) {
            first = 1;
        }
        out.append('\n');
        String pad = " ".repeat(column);
        for (int i = first; i < lines.size(); i++) {
            out.append(pad).append(lines.get(i)).append('\n');
        }
        return out.toString();
    }
}
