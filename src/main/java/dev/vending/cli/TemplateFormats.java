package dev.vending.cli;

import java.util.Locale;

import dev.vending.cfn.TemplateFormat;
import dev.vending.failure.BadInput;

final class TemplateFormats {
    private TemplateFormats() {
    }

    static TemplateFormat parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "yaml", "yml" -> TemplateFormat.YAML;
            case "json" -> TemplateFormat.JSON;
            default -> throw new BadInput("--format", "unknown format '" + value + "' (expected yaml or json)");
        };
    }
}
