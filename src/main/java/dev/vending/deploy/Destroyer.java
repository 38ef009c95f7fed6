package dev.vending.deploy;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;

import dev.vending.failure.BadInput;
import dev.vending.failure.Failure;
import dev.vending.fleet.FleetTemplate;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;

/** `vending destroy`: empty the cache bucket, delete the stack, wait until it is gone, delete the stored token. */
public record Destroyer(AwsSettings settings, DeployContext context, DeployView view) {
    public DestroyResult destroy(String name) {
        refuseEarly(settings, context);
        try (Clients clients = new Clients(settings, context)) {
            clients.prepare(Clients.Service.SSM, Clients.Service.S3);
            return run(name, clients);
        } catch (SdkException e) {
            throw AwsFailures.of("destroy " + name, e);
        }
    }

    /** What destroy (a stack or a stack set) refuses before its first AWS call. */
    static void refuseEarly(AwsSettings settings, DeployContext context) {
        if (settings.json() && !settings.yes()) {
            throw new BadInput("--output", "json never prompts; add --yes");
        }
        if (!settings.yes() && !context.interactive()) {
            throw new BadInput("--yes", "no terminal to confirm on; pass --yes to delete without asking");
        }
    }

    private DestroyResult run(String name, Clients clients) {
        CloudFormationApi cfn = new CloudFormationApi(clients.cfn());
        StackWatch watch = new StackWatch(cfn, view, context, clients.region);
        String tokenParam = RunnerToken.parameterName(name);
        Optional<Stack> found = cfn.describeStack(name);
        if (found.isEmpty()) {
            boolean deleted = RunnerToken.delete(clients.ssm(), tokenParam);
            view.progress("stack " + name + " does not exist in " + clients.region + "; nothing to destroy"
                    + (deleted ? " (deleted leftover " + tokenParam + ")" : ""));
            return new DestroyResult(Outcome.NOT_FOUND, name, clients.region, null, null, null, null, deleted ? tokenParam : null,
                    List.of(), List.of(), null, null);
        }
        Stack stack = found.get();
        String stackId = stack.stackId();
        if (!CloudFormationApi.settled(stack.stackStatus()) && stack.stackStatus() != StackStatus.REVIEW_IN_PROGRESS) {
            throw new Failure(Failure.Kind.AWS, "stack " + name + " is busy (" + stack.stackStatusAsString() + "); wait for it: "
                    + watch.followCommand(name));
        }
        Future<String> marker = Concurrently.start("marker", () -> cfn.newestEventId(stackId));
        List<StackResourceSummary> resources = cfn.resources(stackId);
        String bucket = StackWatch.outputs(stack).get(FleetTemplate.OUT_CACHE);
        if (bucket == null) {
            bucket = resources.stream().filter(r -> "AWS::S3::Bucket".equals(r.resourceType()) && r.physicalResourceId() != null
                    && !r.physicalResourceId().isEmpty()).map(StackResourceSummary::physicalResourceId).findFirst().orElse(null);
        }
        view.progress("stack " + name + " (" + stack.stackStatusAsString() + ", " + resources.size() + " resources) in " + clients.region
                + (bucket != null ? "; cache bucket " + bucket + " will be emptied" : ""));
        if (!settings.yes() && !view.confirm("Delete stack " + name + " and everything in it?")) {
            view.progress("cancelled; nothing changed");
            return new DestroyResult(Outcome.CANCELLED, name, clients.region, stackId, stack.stackStatusAsString(), bucket, null, null,
                    List.of(), List.of(), watch.consoleLink(stackId), null);
        }
        Integer emptied = null;
        if (bucket != null) {
            emptied = new S3Api(clients.s3()).empty(bucket);
            view.progress("emptied cache bucket " + bucket + " (" + emptied + " object versions deleted)");
        }
        String workers = resources.stream().filter(r -> FleetTemplate.WORKER_ASG.equals(r.logicalResourceId())
                && r.physicalResourceId() != null && !r.physicalResourceId().isEmpty()).map(StackResourceSummary::physicalResourceId)
                .findFirst().orElse(null);
        if (workers != null) {
            int released = new AutoScalingApi(clients.autoscaling()).releaseScaleInProtection(workers);
            view.progress("worker group " + workers + ": scale-in protection off (" + released + " instances), so the stack can delete it");
        }
        String since = Concurrently.join(marker);
        cfn.deleteStack(stackId);
        view.progress("deleting stack " + name + " (" + watch.consoleLink(stackId) + ")");
        StackWatch.Watched watched = watch.await(stackId, name, since, resources.size(), settings.timeout(), StackWatch.Operation.DELETION);
        String status = watched.stack().stackStatusAsString();
        String failed = null;
        Optional<Stack> still = watched.status() == StackStatus.DELETE_COMPLETE ? cfn.describeStack(name) : Optional.empty();
        if (watched.status() != StackStatus.DELETE_COMPLETE) {
            failed = "stack " + name + " ended in " + status;
        } else if (still.isPresent()) {
            // DELETE_COMPLETE by id, yet the name still answers: whatever that is, it is not gone
            failed = "stack " + name + " still exists in " + clients.region + " after its deletion completed ("
                    + still.get().stackStatusAsString() + ")";
        }
        if (failed != null) {
            return new DestroyResult(Outcome.FAILED, name, clients.region, stackId, status, bucket, emptied, null, watched.events(),
                    watched.failures(), watch.consoleLink(stackId),
                    failed + "; the runner token in " + tokenParam + " was kept (" + watch.consoleLink(stackId) + ")");
        }
        boolean tokenDeleted = RunnerToken.delete(clients.ssm(), tokenParam);
        if (tokenDeleted) {
            view.progress("deleted runner token parameter " + tokenParam);
        }
        view.progress("done: stack " + name + " deleted");
        return new DestroyResult(Outcome.SUCCEEDED, name, clients.region, stackId, status, bucket, emptied, tokenDeleted ? tokenParam : null,
                watched.events(), watched.failures(), watch.consoleLink(stackId), null);
    }
}
