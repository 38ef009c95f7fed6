package dev.vending.deploy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.vending.cli.ExitCodes;
import dev.vending.failure.Failure;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackEventsResponse;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;

/** CloudFormation steps deploy and destroy share: find a stack, stream its events, wait, report. */
final class StackOps {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final CloudFormationClient cfn;
    private final Ui ui;
    private final String region;

    StackOps(Clients clients, Ui ui) {
        this.cfn = clients.cfn();
        this.ui = ui;
        this.region = clients.region;
    }

    /** The stack by name or id; empty when it does not exist. */
    Optional<Stack> find(String nameOrId) {
        try {
            List<Stack> stacks = cfn.describeStacks(b -> b.stackName(nameOrId)).stacks();
            return stacks.isEmpty() ? Optional.empty() : Optional.of(stacks.get(0));
        } catch (AwsServiceException e) {
            if (e.awsErrorDetails() != null && "ValidationError".equals(e.awsErrorDetails().errorCode())
                    && String.valueOf(e.awsErrorDetails().errorMessage()).contains("does not exist")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Id of the newest event now: the marker; events after it belong to this run. */
    String marker(String stackId) {
        List<StackEvent> events = cfn.describeStackEvents(b -> b.stackName(stackId)).stackEvents();
        return events.isEmpty() ? null : events.get(0).eventId();
    }

    /** Events newer than the marker not seen yet, oldest first. */
    List<StackEvent> newEvents(String stackId, String marker, Set<String> seen) {
        List<StackEvent> fresh = new ArrayList<>();
        String next = null;
        outer:
        do {
            String token = next;
            DescribeStackEventsResponse page = cfn.describeStackEvents(b -> b.stackName(stackId).nextToken(token));
            for (StackEvent e : page.stackEvents()) {
                if (e.eventId().equals(marker)) {
                    break outer;
                }
                if (seen.contains(e.eventId())) {
                    break outer; // everything older was shown before
                }
                fresh.add(e);
            }
            next = page.nextToken();
        } while (next != null);
        Collections.reverse(fresh);
        fresh.forEach(e -> seen.add(e.eventId()));
        return fresh;
    }

    static boolean terminal(String status) {
        return !status.endsWith("_IN_PROGRESS");
    }

    /** Result of a wait: the stack's final state and the failure events seen on the way. */
    record Outcome(Stack stack, List<StackEvent> failures, List<Map<String, Object>> events) {
        String status() {
            return stack.stackStatusAsString();
        }
    }

    /**
     * Streams events and waits for the root stack's terminal status. Ctrl-C (shutdown hook) and
     * --timeout leave the stack working and say how to follow it.
     */
    Outcome await(String stackId, String stackName, String marker, int total, Duration timeout, String verb) {
        Set<String> seen = new HashSet<>();
        Set<String> done = new HashSet<>();
        List<StackEvent> failures = new ArrayList<>();
        List<Map<String, Object>> shown = new ArrayList<>();
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        Thread hook = new Thread(() -> ui.note(interruptedMessage(stackName, verb)), "vending-ctrl-c");
        boolean hooked = false;
        if (ui.context.installShutdownHook()) {
            Runtime.getRuntime().addShutdownHook(hook);
            hooked = true;
        }
        try {
            while (true) {
                List<StackEvent> events = newEvents(stackId, marker, seen);
                for (StackEvent e : events) {
                    String status = e.resourceStatusAsString();
                    boolean root = e.physicalResourceId() != null && e.physicalResourceId().equals(stackId)
                            || "AWS::CloudFormation::Stack".equals(e.resourceType()) && stackName.equals(e.logicalResourceId());
                    if (!root && status != null && !status.endsWith("_IN_PROGRESS")) {
                        done.add(e.logicalResourceId());
                    }
                    if (status != null && status.endsWith("_FAILED")) {
                        failures.add(e);
                    }
                    shown.add(eventFacts(e));
                    String reason = e.resourceStatusReason() == null ? "" : "  " + e.resourceStatusReason();
                    ui.say(ui.paint(status, String.format("%s  %-44s %-40s %s%s", TIME.format(e.timestamp()), status,
                            e.logicalResourceId(), e.resourceType(), reason)));
                }
                Stack stack = find(stackId).orElseThrow(() -> new Failure(Failure.Kind.AWS, "stack " + stackName + " disappeared while waiting"));
                String status = stack.stackStatusAsString();
                if (terminal(status) && (status.endsWith("_COMPLETE") && !status.contains("ROLLBACK"))) {
                    done.clear();
                    for (int i = 0; i < total; i++) {
                        done.add("#" + i); // settled: whatever moto or CloudFormation did not report as events is done too
                    }
                }
                if (!events.isEmpty() && total > 0) {
                    ui.say(String.format("  ... %d of %d resources done, stack %s", Math.min(done.size(), total), total, status));
                }
                if (terminal(status)) {
                    return new Outcome(stack, failures, shown);
                }
                if (System.nanoTime() > deadline) {
                    throw new Failure(Failure.Kind.AWS, "timed out after " + human(timeout) + " with stack " + stackName + " in " + status
                            + "; CloudFormation goes on. Follow it with: " + followCommand(stackName), null);
                }
                sleep(ui.context.pollMillis());
            }
        } finally {
            if (hooked) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: Ctrl-C
                }
            }
        }
    }

    String followCommand(String stackName) {
        return "vending status --stack-name " + stackName + " --region " + region;
    }

    /** What Ctrl-C prints: CloudFormation does not stop with us. */
    String interruptedMessage(String stackName, String verb) {
        return "\ninterrupted: the " + verb + " of stack " + stackName + " goes on in CloudFormation (Ctrl-C does not stop it).\n"
                + "Follow it with: " + followCommand(stackName);
    }

    static Map<String, Object> eventFacts(StackEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eventId", e.eventId());
        m.put("timestamp", String.valueOf(e.timestamp()));
        m.put("logicalResourceId", e.logicalResourceId());
        m.put("resourceType", e.resourceType());
        m.put("status", e.resourceStatusAsString());
        if (e.resourceStatusReason() != null) {
            m.put("reason", e.resourceStatusReason());
        }
        return m;
    }

    /** Lines naming each failed resource and its reason (the root cause first). */
    static List<String> failureLines(Outcome o) {
        List<String> lines = new ArrayList<>();
        for (StackEvent e : o.failures()) {
            String reason = e.resourceStatusReason() == null ? "(no reason given)" : e.resourceStatusReason();
            if (!"AWS::CloudFormation::Stack".equals(e.resourceType())) {
                lines.add(e.logicalResourceId() + " (" + e.resourceType() + "): " + reason);
            }
        }
        if (lines.isEmpty() && o.stack().stackStatusReason() != null) {
            lines.add(o.stack().stackStatusReason());
        }
        return lines;
    }

    Map<String, String> outputs(Stack stack) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Output o : stack.outputs()) {
            m.put(o.outputKey(), o.outputValue());
        }
        return m;
    }

    /** Physical id of the first resource of a type (when the template's output is missing). */
    Optional<String> physicalIdOfType(String stackId, String type) {
        for (StackResourceSummary r : cfn.listStackResourcesPaginator(b -> b.stackName(stackId)).stackResourceSummaries()) {
            if (type.equals(r.resourceType()) && r.physicalResourceId() != null && !r.physicalResourceId().isEmpty()) {
                return Optional.of(r.physicalResourceId());
            }
        }
        return Optional.empty();
    }

    String consoleLink(String stackId) {
        return "https://" + region + ".console.aws.amazon.com/cloudformation/home?region=" + region
                + "#/stacks/stackinfo?stackId=" + URLEncoder.encode(stackId, StandardCharsets.UTF_8);
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
