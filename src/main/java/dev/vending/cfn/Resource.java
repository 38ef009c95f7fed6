package dev.vending.cfn;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Base of the typed resource builders. Subclasses own their property names and order
 * ({@link #properties()}); this class carries the resource attributes common to all types.
 */
public abstract class Resource {
    private final String logicalId;
    private Condition condition;
    private Map<String, Object> updatePolicy;
    private Map<String, Object> metadata;

    protected Resource(String logicalId) {
        this.logicalId = Objects.requireNonNull(logicalId);
        if (!isAlphanumeric(logicalId)) {
            throw new IllegalArgumentException("logical id must be alphanumeric: " + logicalId);
        }
    }

    private static boolean isAlphanumeric(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return !id.isEmpty();
    }

    public String logicalId() {
        return logicalId;
    }

    public abstract String type();

    /** The resource's Properties, in output order. */
    protected abstract Props properties();

    public Resource onlyIf(Condition c) {
        this.condition = c;
        return this;
    }

    protected void updatePolicy(Map<String, Object> p) {
        this.updatePolicy = p;
    }

    /** Silences named cfn-lint checks for this resource only; use for proven false positives. */
    public Resource lintIgnore(String... checks) {
        this.metadata = Map.of("cfn-lint", Map.of("config", Map.of("ignore_checks", List.of(checks))));
        return this;
    }

    Props toProps() {
        Props props = properties();
        return Props.of()
                .put("Type", type())
                .put("Condition", condition == null ? null : condition.logicalId())
                .put("UpdatePolicy", updatePolicy)
                .put("Metadata", metadata)
                .put("Properties", props == null || props.isEmpty() ? null : props.toMap());
    }
}
