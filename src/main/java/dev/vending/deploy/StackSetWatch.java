package dev.vending.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vending.failure.Failure;
import software.amazon.awssdk.services.cloudformation.model.StackSetOperation;
import software.amazon.awssdk.services.cloudformation.model.StackSetOperationResultSummary;

/**
 * Follows stack set operations to their end, printing each stack instance (account and region) when its
 * status in the operation changes: PENDING, RUNNING, SUCCEEDED, FAILED (with CloudFormation's reason),
 * CANCELLED. Polls from 1 s up to the context's interval; Ctrl-C and --timeout leave CloudFormation working.
 */
final class StackSetWatch {
    private final StackSetApi api;
    private final DeployView view;
    private final DeployContext context;
    private final String followCommand;

    StackSetWatch(StackSetApi api, DeployView view, DeployContext context, String followCommand) {
        this.api = api;
        this.view = view;
        this.context = context;
        this.followCommand = followCommand;
    }

    /** The operations as they ended, and each failed instance with its reason. */
    record Ended(List<StackSetOperation> operations, List<String> failures) {
        boolean succeeded() {
            return failures.isEmpty() && operations.stream().allMatch(o -> "SUCCEEDED".equals(o.statusAsString()));
        }
    }

    Ended await(String name, List<String> operationIds, Duration timeout, String doing) {
        Map<String, String> shown = new HashMap<>();
        Map<String, StackSetOperation> ended = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        long pause = Math.min(1_000, context.pollMillis());
        try (DeployContext.Registration ctrlC = context.onInterrupt(() -> view.warn("\ninterrupted: " + doing
                + " goes on in CloudFormation (Ctrl-C does not stop it).\nFollow it with: " + followCommand))) {
            while (true) {
                for (String id : operationIds) {
                    if (ended.containsKey(id)) {
                        continue;
                    }
                    StackSetOperation op = api.operation(name, id);
                    for (StackSetOperationResultSummary r : api.results(name, id)) {
                        String where = r.region() + " " + r.account();
                        String status = r.statusAsString();
                        String line = status + (r.statusReason() != null && !r.statusReason().isBlank() ? ": " + r.statusReason() : "");
                        if (!line.equals(shown.put(where, line))) {
                            view.progress(String.format("  %-16s %-12s %s", r.region(), r.account(), line));
                        }
                        if ("FAILED".equals(status)) {
                            failures.put(where, where + ": " + (r.statusReason() == null ? "(no reason given)" : r.statusReason()));
                        }
                    }
                    if (StackSetApi.ended(op.status())) {
                        ended.put(id, op);
                        if (!"SUCCEEDED".equals(op.statusAsString()) && failures.isEmpty()) {
                            failures.put(id, "operation " + id + " " + op.statusAsString()
                                    + (op.statusReason() != null ? ": " + op.statusReason() : ""));
                        }
                    }
                }
                if (ended.size() == operationIds.size()) {
                    return new Ended(new ArrayList<>(ended.values()), new ArrayList<>(failures.values()));
                }
                if (System.nanoTime() > deadline) {
                    throw new Failure(Failure.Kind.AWS, "timed out after " + StackWatch.human(timeout) + " waiting for " + doing
                            + "; CloudFormation goes on. Follow it with: " + followCommand);
                }
                StackWatch.sleep(pause);
                pause = Math.min(context.pollMillis(), pause * 3 / 2);
            }
        }
    }
}
