package dev.vending.fleet;

import java.util.Locale;

import dev.vending.failure.BadInput;

/**
 * GitLab Runner executor. {@link #DOCKER_AUTOSCALER} is a different fleet shape: one runner manager
 * that scales a group of Docker workers through the fleeting AWS plugin (see AutoscalerFleetTemplate).
 */
public enum Executor {
    DOCKER("docker"),
    SHELL("shell"),
    DOCKER_AUTOSCALER("docker-autoscaler");

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
            case "docker-autoscaler" -> DOCKER_AUTOSCALER;
            default -> throw new BadInput("--executor", "unknown executor '" + value
                    + "' (expected docker, shell or docker-autoscaler)");
        };
    }
}
