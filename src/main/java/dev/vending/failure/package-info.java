/**
 * The two ways a command fails, shared by every package: {@link dev.vending.failure.BadInput}
 * (exit 2, nothing done) and {@link dev.vending.failure.Failure} (exit 1 or 130). A leaf: it
 * imports nothing of ours, and only {@code cli.Main} turns these into exit codes.
 */
package dev.vending.failure;
