package dev.vending.deploy;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.vending.cli.ExitCodes;
import dev.vending.failure.BadInput;
import dev.vending.failure.Failure;
import dev.vending.fleet.FleetTemplate;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.paginators.ListObjectVersionsIterable;

/** `vending destroy`: empty the cache bucket, delete the stack, wait, delete the stored token. */
public record Destroyer(AwsSettings settings, DeployContext context, PrintWriter out, PrintWriter err) {
    public int destroy(String name) {
        Ui ui = new Ui(out, err, settings.json(), context);
        if (settings.json() && !settings.yes()) {
            throw new BadInput("--output", "json never prompts; add --yes");
        }
        try (Clients clients = new Clients(settings, context)) {
            return run(name, clients, ui);
        } catch (SdkException e) {
            throw AwsFailures.of("destroy " + name, e);
        }
    }

    private int run(String name, Clients clients, Ui ui) {
        StackOps ops = new StackOps(clients, ui);
        ui.facts.put("command", "destroy");
        ui.facts.put("stackName", name);
        ui.facts.put("region", clients.region);
        String tokenParam = RunnerToken.parameterName(name);
        Optional<Stack> found = ops.find(name);
        if (found.isEmpty()) {
            boolean deleted = RunnerToken.delete(clients.ssm(), tokenParam);
            ui.say("stack " + name + " does not exist in " + clients.region + "; nothing to destroy"
                    + (deleted ? " (deleted leftover " + tokenParam + ")" : ""));
            ui.facts.put("result", "NOT_FOUND");
            return ui.ok();
        }
        Stack stack = found.get();
        String stackId = stack.stackId();
        if (!StackOps.terminal(stack.stackStatusAsString()) && !"REVIEW_IN_PROGRESS".equals(stack.stackStatusAsString())) {
            throw new Failure(Failure.Kind.AWS, "stack " + name + " is busy (" + stack.stackStatusAsString() + "); wait for it: " + ops.followCommand(name));
        }
        String bucket = ops.outputs(stack).get(FleetTemplate.OUT_CACHE);
        if (bucket == null) {
            bucket = ops.physicalIdOfType(stackId, "AWS::S3::Bucket").orElse(null);
        }
        int resources = (int) clients.cfn().listStackResourcesPaginator(b -> b.stackName(stackId)).stackResourceSummaries().stream().count();
        ui.say("stack " + name + " (" + stack.stackStatusAsString() + ", " + resources + " resources) in " + clients.region
                + (bucket != null ? "; cache bucket " + bucket + " will be emptied" : ""));
        if (!ui.confirm(settings.yes(), "Delete stack " + name + " and everything in it?")) {
            ui.say("cancelled; nothing changed");
            ui.facts.put("result", "CANCELLED");
            return ui.ok();
        }
        if (bucket != null) {
            int n = empty(clients.s3(), bucket);
            ui.say("emptied cache bucket " + bucket + " (" + n + " object versions deleted)");
            ui.facts.put("cacheBucket", bucket);
            ui.facts.put("objectVersionsDeleted", n);
        }
        String marker = ops.marker(stackId);
        clients.cfn().deleteStack(b -> b.stackName(stackId));
        ui.say("deleting stack " + name + " (" + ops.consoleLink(stackId) + ")");
        StackOps.Outcome outcome = ops.await(stackId, name, marker, resources, settings.timeout(), "deletion");
        ui.facts.put("status", outcome.status());
        ui.facts.put("events", outcome.events());
        if (!"DELETE_COMPLETE".equals(outcome.status())) {
            List<String> lines = StackOps.failureLines(outcome);
            ui.facts.put("failures", lines);
            ui.facts.put("result", "FAILED");
            lines.forEach(l -> ui.note("  failed: " + l));
            ui.finish(ExitCodes.FAILURE);
            throw new Failure(Failure.Kind.AWS, "stack " + name + " ended in " + outcome.status() + "; the runner token in " + tokenParam
                    + " was kept (" + ops.consoleLink(stackId) + ")");
        }
        if (RunnerToken.delete(clients.ssm(), tokenParam)) {
            ui.say("deleted runner token parameter " + tokenParam);
            ui.facts.put("tokenParameterDeleted", tokenParam);
        }
        ui.facts.put("result", "SUCCEEDED");
        ui.say("done: stack " + name + " deleted");
        return ui.ok();
    }

    /** Deletes every object version and delete marker, 1000 per request; returns how many. */
    static int empty(S3Client s3, String bucket) {
        int count = 0;
        try {
            ListObjectVersionsIterable pages = s3.listObjectVersionsPaginator(b -> b.bucket(bucket));
            List<ObjectIdentifier> batch = new ArrayList<>();
            for (var page : pages) {
                page.versions().forEach(v -> batch.add(ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build()));
                page.deleteMarkers().forEach(m -> batch.add(ObjectIdentifier.builder().key(m.key()).versionId(m.versionId()).build()));
                while (batch.size() >= 1000) {
                    count += deleteBatch(s3, bucket, new ArrayList<>(batch.subList(0, 1000)));
                    batch.subList(0, 1000).clear();
                }
            }
            if (!batch.isEmpty()) {
                count += deleteBatch(s3, bucket, batch);
            }
        } catch (NoSuchBucketException gone) {
            return count;
        }
        return count;
    }

    private static int deleteBatch(S3Client s3, String bucket, List<ObjectIdentifier> ids) {
        var r = s3.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder().objects(ids).quiet(true).build()));
        if (r.hasErrors() && !r.errors().isEmpty()) {
            var e = r.errors().get(0);
            throw new Failure(Failure.Kind.AWS, "could not empty bucket " + bucket + ": " + e.code() + " " + e.message() + " (" + e.key() + ")");
        }
        return ids.size();
    }
}
