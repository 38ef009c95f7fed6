package dev.vending.deploy;

/** How a deploy or destroy ended. Only FAILED is a failure (the command then exits 1). */
public enum Outcome {
    SUCCEEDED,
    /** The template and parameters match the stack: nothing to do. */
    NO_CHANGES,
    /** --no-execute: the change set waits in CloudFormation. */
    NOT_EXECUTED,
    /** The person declined; what this run created was deleted. */
    CANCELLED,
    /** destroy: there is no such stack. */
    NOT_FOUND,
    FAILED
}
