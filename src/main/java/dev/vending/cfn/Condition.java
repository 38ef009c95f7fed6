package dev.vending.cfn;

/** A named template condition, e.g. {@code HasCache: !Equals [...]}. */
public record Condition(String logicalId, Intrinsic expression) {
}
