package dev.vending.cfn;

import java.util.List;

/**
 * A template rule (parameter validation done by CloudFormation before anything is created).
 * {@code condition} may be null (the assertions then always apply).
 */
public record Rule(String logicalId, Intrinsic condition, List<Assertion> assertions) {
    public record Assertion(Intrinsic assertion, String description) {
    }
}
