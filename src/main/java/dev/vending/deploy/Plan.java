package dev.vending.deploy;

import java.util.List;

/** What a change set will do, shown before anyone confirms it. */
public record Plan(String stackName, String region, boolean create, List<ResourceChange> changes, List<ParameterChange> parameterChanges) {

    /** One resource change: action Add, Modify, Remove (or Import, Dynamic); replacement True, False, Conditional or null. */
    public record ResourceChange(String action, String resourceType, String logicalResourceId, String replacement) {
    }

    /** One parameter whose value changes on update; before is null for a parameter the stack did not have. */
    public record ParameterChange(String key, String before, String after) {
    }
}
