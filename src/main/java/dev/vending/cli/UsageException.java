package dev.vending.cli;

/** Bad input found outside picocli's own parsing (paths, contradictory flags): exit code 2. */
public final class UsageException extends RuntimeException {
    private final String option;

    public UsageException(String option, String problem) {
        super(problem);
        this.option = option;
    }

    public String line() {
        return option == null ? getMessage() : option + ": " + getMessage();
    }
}
