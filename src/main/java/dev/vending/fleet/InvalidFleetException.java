package dev.vending.fleet;

/**
 * A fleet option that cannot be honoured. {@code option} is the command-line flag to name in the
 * one-line error (e.g. {@code --runners}); the CLI maps this to exit code 2.
 */
public final class InvalidFleetException extends RuntimeException {
    private final String option;

    public InvalidFleetException(String option, String problem) {
        super(problem);
        this.option = option;
    }

    public String option() {
        return option;
    }

    /** "--runners: must be between 0 and 10000" */
    public String line() {
        return option + ": " + getMessage();
    }
}
