package dev.vending.failure;

/**
 * A failure the message already explains (an AWS error, a failed stack, a file that cannot be
 * written, an interrupt). The CLI prints it as one line, the cause's stack trace only with
 * --verbose, and maps {@link #kind()} to an exit code.
 */
public final class Failure extends RuntimeException {
    /** What failed; the CLI alone decides what each means as an exit code. */
    public enum Kind {
        /** An AWS call failed, or a stack ended in a failed state. */
        AWS,
        /** A local file could not be read or written. */
        IO,
        /** The user interrupted (Ctrl-C); what AWS was doing goes on. */
        INTERRUPTED
    }

    private final Kind kind;

    public Failure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Failure(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
