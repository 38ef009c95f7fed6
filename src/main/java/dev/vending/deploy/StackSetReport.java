package dev.vending.deploy;

import java.util.List;

/**
 * A stack set as deploy, status and destroy report it: its state, permission model, the operations this
 * run started and every stack instance. {@code result} and {@code message} are set by deploy and
 * destroy (null for status); fields this run did not reach are null or empty.
 */
public record StackSetReport(Outcome result, String stackSetName, String region, String status, String permissionModel,
        List<String> operations, List<Instance> instances, String tokenParameter, String message) {

    /** One stack instance: where, its status (CURRENT, OUTDATED, INOPERABLE) and detailed status, why, and its stack. */
    public record Instance(String account, String region, String status, String detailedStatus, String reason, String stackId) {
    }
}
