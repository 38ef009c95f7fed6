package dev.vending.fleet;

import java.util.Locale;

import dev.vending.failure.BadInput;

/** Where the runners keep their shared job cache. */
public enum CacheMode {
    S3, NONE;

    public static CacheMode parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "s3" -> S3;
            case "none", "off" -> NONE;
            default -> throw new BadInput("--cache", "unknown cache '" + value + "' (expected s3 or none)");
        };
    }
}
