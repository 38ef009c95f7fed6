package dev.vending.fleet;

import java.util.Locale;

import dev.vending.failure.BadInput;

/** CPU architecture of the runner instances. */
public enum Arch {
    ARM64("arm64", "arm64"),
    X86_64("x86_64", "amd64");

    private final String awsName;
    private final String goName;

    Arch(String awsName, String goName) {
        this.awsName = awsName;
        this.goName = goName;
    }

    /** As AWS writes it (AMI parameter names, describe-instance-types). */
    public String awsName() {
        return awsName;
    }

    /** As GitLab's download paths write it ({@code gitlab-runner-linux-arm64}). */
    public String goName() {
        return goName;
    }

    /** Accepts arm64|aarch64 and x86_64|amd64 (any case). */
    public static Arch parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "arm64", "aarch64" -> ARM64;
            case "x86_64", "amd64", "x86-64", "x64" -> X86_64;
            default -> throw new BadInput("--arch",
                    "unknown architecture '" + value + "' (expected arm64 or x86_64; aliases aarch64, amd64)");
        };
    }
}
