package dev.vending.cli;

/**
 * A failure the command already explained in its message (e.g. an AWS error or a failed stack).
 * Printed as one line; the cause's stack trace only with --verbose.
 */
public class CommandFailure extends RuntimeException {
    private final int exitCode;

    public CommandFailure(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public CommandFailure(String message) {
        this(message, ExitCodes.FAILURE, null);
    }

    public int exitCode() {
        return exitCode;
    }
}
