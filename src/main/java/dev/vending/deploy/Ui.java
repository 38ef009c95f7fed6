package dev.vending.deploy;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.vending.cli.ExitCodes;
import dev.vending.failure.BadInput;

/**
 * Where a command's words go. Text mode: report on stdout, prompts and notes on stderr, colours
 * only on a terminal without NO_COLOR. JSON mode: progress lines on stderr, and the facts
 * collected in {@link #facts} written once to stdout as one document.
 */
final class Ui {
    final PrintWriter out;
    final PrintWriter err;
    final boolean json;
    final DeployContext context;
    private final boolean colour;
    /** The JSON document (also filled in text mode; cheap, and keeps both modes' facts equal). */
    final Map<String, Object> facts = new LinkedHashMap<>();

    Ui(PrintWriter out, PrintWriter err, boolean json, DeployContext context) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.context = context;
        this.colour = !json && context.interactive() && context.env("NO_COLOR") == null;
    }

    /** A report line: stdout in text mode, stderr (as progress) in JSON mode. */
    void say(String line) {
        (json ? err : out).println(line);
        (json ? err : out).flush();
    }

    void note(String line) {
        err.println(line);
        err.flush();
    }

    String paint(String status, String text) {
        if (!colour || status == null) {
            return text;
        }
        String code = status.endsWith("_FAILED") || status.contains("ROLLBACK") ? "31"
                : status.endsWith("_COMPLETE") ? "32" : status.endsWith("_IN_PROGRESS") ? "33" : null;
        return code == null ? text : "\u001b[" + code + "m" + text + "\u001b[0m";
    }

    /**
     * Asks before a change; --yes skips. Without a terminal and without --yes: exit 2 (never guess).
     * Returns false when the person answers no.
     */
    boolean confirm(boolean yes, String question) {
        if (yes) {
            return true;
        }
        if (json || !context.interactive()) {
            throw new BadInput("--yes", "no terminal to confirm on" + (json ? " (--output json never prompts)" : "")
                    + "; pass --yes to go ahead without asking");
        }
        String answer = context.readLine(question + " [y/N] ");
        return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    }

    /** Writes the JSON document (JSON mode only). */
    int finish(int exitCode) {
        if (json) {
            facts.put("exitCode", exitCode);
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(facts));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            out.flush();
        }
        return exitCode;
    }

    int ok() {
        return finish(ExitCodes.OK);
    }
}
