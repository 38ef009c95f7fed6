package dev.vending.bootstrap;

/** The operating system a bootstrap script runs on: which script resources, and which quoting. */
public enum HostOs {
    LINUX("linux", "sh"),
    WINDOWS("windows", "ps1");

    private final String resourcePrefix;
    private final String extension;

    HostOs(String resourcePrefix, String extension) {
        this.resourcePrefix = resourcePrefix;
        this.extension = extension;
    }

    String header() {
        return resourcePrefix + "-header." + extension;
    }

    String body() {
        return resourcePrefix + "." + extension;
    }
}
