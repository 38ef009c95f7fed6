package dev.vending.cli;

/** Exit codes of every vending command. */
public final class ExitCodes {
    public static final int OK = 0;
    /** AWS or I/O failure, or a deployment that failed. */
    public static final int FAILURE = 1;
    /** Bad input: nothing was written or changed. */
    public static final int USAGE = 2;
    /** Interrupted by the user (Ctrl-C); the deployment goes on in AWS. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
