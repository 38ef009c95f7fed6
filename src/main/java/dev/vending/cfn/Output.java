package dev.vending.cfn;

/** A template output; {@code condition} may be null. */
public record Output(String logicalId, String description, Object value, Condition condition) {
    public Output(String logicalId, String description, Object value) {
        this(logicalId, description, value, null);
    }
}
