package dev.vending.cfn;

/**
 * A typed, structured property value (e.g. a launch template's block device mapping).
 * It renders itself to the plain tree the writers understand: String, Number, Boolean,
 * List, ordered Map and {@link Intrinsic}.
 */
public interface CfnProperty {
    Object toCfn();
}
