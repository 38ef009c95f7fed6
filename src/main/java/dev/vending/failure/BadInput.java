package dev.vending.failure;

/**
 * Bad input: a flag (or template parameter) whose value cannot be honoured. Thrown before
 * anything is written or created; the CLI prints {@link #line()} and exits 2.
 */
public final class BadInput extends RuntimeException {
    private final String option;

    /** @param option the flag to name, e.g. {@code --runners}; null when no single flag is at fault */
    public BadInput(String option, String problem) {
        super(problem);
        this.option = option;
    }

    public String option() {
        return option;
    }

    /** "--runners: must be between 0 and 10000" */
    public String line() {
        return option == null ? getMessage() : option + ": " + getMessage();
    }
}
