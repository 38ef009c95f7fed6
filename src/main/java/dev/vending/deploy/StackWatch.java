package dev.vending.deploy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.vending.failure.Failure;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;

/**
 * Follows a stack operation to its end: streams events newer than a marker, oldest first, each
 * once, and polls with a short backoff (250 ms, growing to the context's poll interval, back to
 * short when events arrive). Ctrl-C and --timeout leave CloudFormation working and say how to
 * follow it.
 */
final class StackWatch {
    /** The operation being followed, and the root statuses that end it. */
    enum Operation {
        CREATION(StackStatus.CREATE_COMPLETE, StackStatus.CREATE_FAILED, StackStatus.ROLLBACK_COMPLETE, StackStatus.ROLLBACK_FAILED),
        UPDATE(StackStatus.UPDATE_COMPLETE, StackStatus.UPDATE_FAILED, StackStatus.UPDATE_ROLLBACK_COMPLETE, StackStatus.UPDATE_ROLLBACK_FAILED),
        DELETION(StackStatus.DELETE_COMPLETE, StackStatus.DELETE_FAILED);

        final Set<StackStatus> ends;

        Operation(StackStatus... ends) {
            this.ends = EnumSet.of(ends[0], ends);
        }

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The stack as the operation left it, every event shown, and the failed resources with their reasons. */
    record Watched(Stack stack, List<StackEventLine> events, List<String> failures) {
        StackStatus status() {
            return stack.stackStatus();
        }
    }

    private static final long FIRST_PAUSE_MILLIS = 250;

    private final CloudFormationApi cfn;
    private final DeployView view;
    private final DeployContext context;
    private final String region;

    StackWatch(CloudFormationApi cfn, DeployView view, DeployContext context, String region) {
        this.cfn = cfn;
        this.view = view;
        this.context = context;
        this.region = region;
    }

    /**
     * Waits for the root stack to reach one of the operation's end states. A settled status of
     * another operation (a read from before the operation began) does not end the wait.
     */
    Watched await(String stackId, String stackName, String marker, int total, Duration timeout, Operation op) {
        Set<String> seen = new HashSet<>();
        Set<String> done = new HashSet<>();
        List<StackEventLine> shown = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        long pause = Math.min(FIRST_PAUSE_MILLIS, context.pollMillis());
        boolean rootSeen = false;
        try (DeployContext.Registration ctrlC = context.onInterrupt(() -> view.warn(interruptedMessage(stackName, op)))) {
            while (true) {
                List<StackEvent> events = cfn.eventsAfter(stackId, marker, seen);
                Collections.reverse(events);
                for (StackEvent e : events) {
                    seen.add(e.eventId());
                    String status = e.resourceStatusAsString();
                    boolean root = stackId.equals(e.physicalResourceId())
                            || "AWS::CloudFormation::Stack".equals(e.resourceType()) && stackName.equals(e.logicalResourceId());
                    rootSeen |= root;
                    if (!root && status != null && !status.endsWith("_IN_PROGRESS")) {
                        done.add(e.logicalResourceId());
                    }
                    if (status != null && status.endsWith("_FAILED") && !"AWS::CloudFormation::Stack".equals(e.resourceType())) {
                        failures.add(e.logicalResourceId() + " (" + e.resourceType() + "): "
                                + (e.resourceStatusReason() == null ? "(no reason given)" : e.resourceStatusReason()));
                    }
                    StackEventLine line = line(e);
                    shown.add(line);
                    view.event(line);
                }
                Stack stack = cfn.describeStack(stackId)
                        .orElseThrow(() -> new Failure(Failure.Kind.AWS, "stack " + stackName + " disappeared while waiting"));
                StackStatus status = stack.stackStatus();
                // An update's end states are also where the previous update left the stack: only a root
                // event of this run shows the read is not from before ExecuteChangeSet took effect.
                boolean ended = op.ends.contains(status) && (op != Operation.UPDATE || rootSeen);
                boolean succeeded = status == StackStatus.CREATE_COMPLETE || status == StackStatus.UPDATE_COMPLETE
                        || status == StackStatus.DELETE_COMPLETE;
                if (ended && succeeded) {
                    for (int i = done.size(); i < total; i++) {
                        done.add("#" + i); // settled: what moto or CloudFormation did not report as events is done too
                    }
                }
                if (!events.isEmpty() && total > 0) {
                    view.resourcesDone(Math.min(done.size(), total), total, stack.stackStatusAsString());
                }
                if (ended) {
                    if (!succeeded && failures.isEmpty() && stack.stackStatusReason() != null) {
                        failures.add(stack.stackStatusReason());
                    }
                    return new Watched(stack, shown, failures);
                }
                if (System.nanoTime() > deadline) {
                    throw new Failure(Failure.Kind.AWS, "timed out after " + human(timeout) + " with stack " + stackName + " in "
                            + stack.stackStatusAsString() + "; CloudFormation goes on. Follow it with: " + followCommand(stackName));
                }
                pause = events.isEmpty() ? Math.min(context.pollMillis(), pause * 3 / 2) : Math.min(FIRST_PAUSE_MILLIS, context.pollMillis());
                sleep(pause);
            }
        }
    }

    static StackEventLine line(StackEvent e) {
        return new StackEventLine(e.eventId(), String.valueOf(e.timestamp()), e.logicalResourceId(), e.resourceType(),
                e.resourceStatusAsString(), e.resourceStatusReason());
    }

    String followCommand(String stackName) {
        return "vending status --stack-name " + stackName + " --region " + region;
    }

    /** What Ctrl-C prints: CloudFormation does not stop with us. */
    String interruptedMessage(String stackName, Operation op) {
        return "\ninterrupted: the " + op.word() + " of stack " + stackName + " goes on in CloudFormation (Ctrl-C does not stop it).\n"
                + "Follow it with: " + followCommand(stackName);
    }

    String consoleLink(String stackId) {
        return consoleLink(region, stackId);
    }

    /** The stack's page in the CloudFormation console. */
    static String consoleLink(String region, String stackId) {
        return "https://" + region + ".console.aws.amazon.com/cloudformation/home?region=" + region
                + "#/stacks/stackinfo?stackId=" + URLEncoder.encode(stackId, StandardCharsets.UTF_8);
    }

    static Map<String, String> outputs(Stack stack) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Output o : stack.outputs()) {
            m.put(o.outputKey(), o.outputValue());
        }
        return m;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Failure.Kind.INTERRUPTED, "interrupted", e);
        }
    }

    static String human(Duration d) {
        long s = d.getSeconds();
        return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
