package dev.vending.fleet;

import java.util.Locale;

import dev.vending.failure.BadInput;

/** GitLab Runner executor on each instance. */
public enum Executor {
    DOCKER("docker"),
    SHELL("shell");

    private final String id;

    Executor(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Executor parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "docker" -> DOCKER;
            case "shell" -> SHELL;
            default -> throw new BadInput("--executor", "unknown executor '" + value + "' (expected docker or shell)");
        };
    }
}
