package dev.vending.fleet;

import java.util.Locale;

import dev.vending.failure.BadInput;

/** Runner host operating system: Amazon Linux 2023 or Windows Server 2022. */
public enum OperatingSystem {
    LINUX("linux"),
    WINDOWS("windows");

    private final String id;

    OperatingSystem(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Public SSM parameter of the latest AMI for this OS and arch: pinned by overriding the template parameter. */
    public String amiParameter(Arch arch) {
        return switch (this) {
            case LINUX -> "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-" + arch.awsName();
            case WINDOWS -> "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base";
        };
    }

    public String rootDeviceName() {
        return this == LINUX ? "/dev/xvda" : "/dev/sda1";
    }

    public static OperatingSystem parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "linux", "al2023", "amazonlinux" -> LINUX;
            case "windows", "win", "windows2022" -> WINDOWS;
            default -> throw new BadInput("--os", "unknown operating system '" + value + "' (expected linux or windows)");
        };
    }
}
