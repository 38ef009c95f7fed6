package dev.vending.cfn;

import java.util.List;
import java.util.Objects;

/**
 * A template parameter with the console's grouping and label (written to
 * {@code Metadata: AWS::CloudFormation::Interface}).
 */
public final class Parameter {
    private final String logicalId;
    private final String type;
    private String description;
    private Object defaultValue;
    private List<String> allowedValues;
    private String allowedPattern;
    private String constraintDescription;
    private Integer minValue;
    private Integer maxValue;
    private Integer minLength;
    private Integer maxLength;
    private boolean noEcho;
    private String label;
    private String group;

    public Parameter(String logicalId, String type) {
        this.logicalId = Objects.requireNonNull(logicalId);
        this.type = Objects.requireNonNull(type);
    }

    public static Parameter string(String logicalId) {
        return new Parameter(logicalId, "String");
    }

    public static Parameter number(String logicalId) {
        return new Parameter(logicalId, "Number");
    }

    public Parameter description(String v) { this.description = v; return this; }
    public Parameter defaultValue(Object v) { this.defaultValue = v; return this; }
    public Parameter allowedValues(List<String> v) { this.allowedValues = List.copyOf(v); return this; }
    public Parameter allowedPattern(String v) { this.allowedPattern = v; return this; }
    public Parameter constraintDescription(String v) { this.constraintDescription = v; return this; }
    public Parameter minValue(int v) { this.minValue = v; return this; }
    public Parameter maxValue(int v) { this.maxValue = v; return this; }
    public Parameter minLength(int v) { this.minLength = v; return this; }
    public Parameter maxLength(int v) { this.maxLength = v; return this; }
    public Parameter noEcho() { this.noEcho = true; return this; }
    public Parameter label(String v) { this.label = v; return this; }
    public Parameter group(String v) { this.group = v; return this; }

    public String logicalId() { return logicalId; }
    public String type() { return type; }
    public String label() { return label; }
    public String group() { return group; }
    public boolean isNoEcho() { return noEcho; }
    public Object defaultValue() { return defaultValue; }

    Props toProps() {
        return Props.of()
                .put("Type", type)
                .put("Description", description)
                .put("Default", defaultValue)
                .put("AllowedValues", allowedValues)
                .put("AllowedPattern", allowedPattern)
                .put("ConstraintDescription", constraintDescription)
                .put("MinValue", minValue)
                .put("MaxValue", maxValue)
                .put("MinLength", minLength)
                .put("MaxLength", maxLength)
                .put("NoEcho", noEcho ? Boolean.TRUE : null);
    }
}
