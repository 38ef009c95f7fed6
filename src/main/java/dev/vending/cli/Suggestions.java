package dev.vending.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * "Did you mean" for a mistyped option or command, as a suffix of the one error line. picocli's own
 * suggestions (options sharing the first two letters, the three most similar commands) are printed
 * on extra lines and include far-off names; here they and every other visible name are kept only
 * when close in edit distance or when the typed word is their prefix, closest first.
 */
final class Suggestions {
    private static final int MAX = 3;

    private Suggestions() {
    }

    /**
     * The one line for an unknown option or command, without the command's name:
     * "unknown option '--runner'; did you mean --runners?". Only the first unmatched word is named:
     * the rest (often the option's value) is noise.
     */
    static String describe(UnmatchedArgumentException ex) {
        List<String> unmatched = ex.getUnmatched();
        if (unmatched.isEmpty() || unmatched.get(0) == null) {
            return ex.getMessage();
        }
        CommandSpec spec = ex.getCommandLine().getCommandSpec();
        String typed = unmatched.get(0);
        Set<String> names = new LinkedHashSet<>(ex.getSuggestions());
        String what;
        if (ex.isUnknownOption()) {
            int eq = typed.indexOf('=');
            typed = eq > 0 ? typed.substring(0, eq) : typed;
            what = "unknown option '" + typed + "'";
            for (OptionSpec o : spec.options()) {
                if (!o.hidden()) {
                    names.addAll(List.of(o.names()));
                }
            }
        } else if (!spec.subcommands().isEmpty()) {
            what = "unknown command '" + typed + "'";
            spec.subcommands().forEach((name, sub) -> {
                if (!sub.getCommandSpec().usageMessage().hidden()) {
                    names.add(name);
                }
            });
        } else {
            what = "unexpected argument '" + typed + "'";
        }
        return what + didYouMean(typed, names);
    }

    /** For picocli's "Unknown subcommand" of {@code vending help NAME}: the root's commands near NAME. */
    static String unknownCommand(CommandLine root, String typed) {
        return "unknown command '" + typed + "'" + didYouMean(typed, root.getSubcommands().keySet());
    }

    /** "; did you mean --runners or --runner-tags?" or "" when nothing is close. */
    private static String didYouMean(String typed, Iterable<String> names) {
        List<String> close = closest(typed, names);
        if (close.isEmpty()) {
            return "";
        }
        return "; did you mean " + String.join(" or ", close) + "?";
    }

    /**
     * Up to three names near {@code typed}, nearest first (ties in the given order): those within a
     * few edits, else those that start with it (an abbreviation such as --sched).
     */
    static List<String> closest(String typed, Iterable<String> names) {
        List<String> near = new ArrayList<>();
        List<Integer> distances = new ArrayList<>();
        List<String> extensions = new ArrayList<>();
        int limit = Math.max(2, typed.length() / 4);
        for (String name : names) {
            if (name.equals(typed)) {
                continue;
            }
            int d = distance(typed, name);
            if (d <= limit) {
                int at = 0;
                while (at < distances.size() && distances.get(at) <= d) {
                    at++;
                }
                near.add(at, name);
                distances.add(at, d);
            } else if (typed.length() >= 4 && name.startsWith(typed)) {
                extensions.add(name);
            }
        }
        List<String> found = near.isEmpty() ? extensions : near;
        return found.size() > MAX ? found.subList(0, MAX) : found;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
