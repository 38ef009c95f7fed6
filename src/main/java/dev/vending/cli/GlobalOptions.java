package dev.vending.cli;

/** State of the root command's inherited options (set while parsing). */
public final class GlobalOptions {
    /** --verbose: stack traces of failures. */
    public static volatile boolean verbose;

    private GlobalOptions() {
    }
}
