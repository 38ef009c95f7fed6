package dev.vending.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.vending.failure.Failure;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetStatus;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudformation.waiters.CloudFormationWaiter;

/**
 * CloudFormation calls, one method each, with pagination and waiting inside. Stateless: it holds
 * the client and nothing else, and knows nothing of what a deploy is for.
 */
final class CloudFormationApi {
    private final CloudFormationClient cfn;

    CloudFormationApi(CloudFormationClient cfn) {
        this.cfn = cfn;
    }

    /** DescribeStacks: the stack by name or id; empty when it does not exist. */
    Optional<Stack> describeStack(String nameOrId) {
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

    CreateChangeSetResponse createChangeSet(CreateChangeSetRequest request) {
        return cfn.createChangeSet(request);
    }

    /**
     * Waits (the SDK's ChangeSetCreateComplete waiter, polling from 100 ms up to 2 s) until the
     * change set is CREATE_COMPLETE or FAILED and returns it described. It never returns a change
     * set still being created: past the limit it throws, so nothing executes a half-made one.
     */
    DescribeChangeSetResponse awaitChangeSet(String changeSetId, Duration limit) {
        try (CloudFormationWaiter waiter = cfn.waiter()) {
            var waited = waiter.waitUntilChangeSetCreateComplete(DescribeChangeSetRequest.builder().changeSetName(changeSetId).build(),
                    WaiterOverrideConfiguration.builder()
                            .backoffStrategyV2(BackoffStrategy.exponentialDelayHalfJitter(Duration.ofMillis(100), Duration.ofSeconds(2)))
                            .maxAttempts(Integer.MAX_VALUE)
                            .waitTimeout(limit)
                            .build());
            if (waited.matched().response().isPresent()) {
                return waited.matched().response().get();
            }
        } catch (SdkClientException e) {
            // the waiter's failure state (FAILED) or its time limit: what the change set says decides
        }
        DescribeChangeSetResponse r = cfn.describeChangeSet(b -> b.changeSetName(changeSetId));
        if (r.status() != ChangeSetStatus.CREATE_COMPLETE && r.status() != ChangeSetStatus.FAILED) {
            throw new Failure(Failure.Kind.AWS, "change set " + r.changeSetName() + " still " + r.statusAsString() + " after "
                    + StackWatch.human(limit) + "; it was not executed (it stays in CloudFormation to look at or delete)");
        }
        return r;
    }

    /** Every change of a change set (DescribeChangeSet pages). */
    List<Change> changes(String changeSetId, DescribeChangeSetResponse first) {
        List<Change> all = new ArrayList<>(first.changes());
        String next = first.nextToken();
        while (next != null) {
            String token = next;
            DescribeChangeSetResponse page = cfn.describeChangeSet(b -> b.changeSetName(changeSetId).nextToken(token));
            all.addAll(page.changes());
            next = page.nextToken();
        }
        return all;
    }

    void executeChangeSet(String changeSetId) {
        cfn.executeChangeSet(b -> b.changeSetName(changeSetId));
    }

    void deleteChangeSet(String changeSetId) {
        cfn.deleteChangeSet(b -> b.changeSetName(changeSetId));
    }

    void deleteStack(String stackId) {
        cfn.deleteStack(b -> b.stackName(stackId));
    }

    /** The newest event's id, or null: events after it belong to what happens next. */
    String newestEventId(String stackId) {
        List<StackEvent> events = cfn.describeStackEvents(b -> b.stackName(stackId)).stackEvents();
        return events.isEmpty() ? null : events.get(0).eventId();
    }

    /**
     * Events newer than {@code marker} and not in {@code seen}, newest first, reading only as many
     * pages as that takes (DescribeStackEvents returns newest first).
     */
    List<StackEvent> eventsAfter(String stackId, String marker, java.util.Set<String> seen) {
        List<StackEvent> fresh = new ArrayList<>();
        for (StackEvent e : cfn.describeStackEventsPaginator(b -> b.stackName(stackId)).stackEvents()) {
            if (e.eventId().equals(marker) || seen.contains(e.eventId())) {
                break; // everything older was before this run, or shown already
            }
            fresh.add(e);
        }
        return fresh;
    }

    /** Every resource of the stack (ListStackResources pages). */
    List<StackResourceSummary> resources(String stackId) {
        return cfn.listStackResourcesPaginator(b -> b.stackName(stackId)).stackResourceSummaries().stream().toList();
    }

    static boolean settled(StackStatus status) {
        return status != null && status != StackStatus.UNKNOWN_TO_SDK_VERSION && !status.toString().endsWith("_IN_PROGRESS");
    }
}
