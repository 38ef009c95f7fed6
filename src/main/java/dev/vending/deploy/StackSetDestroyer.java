package dev.vending.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.model.DeleteStackInstancesRequest;
import software.amazon.awssdk.services.cloudformation.model.DeploymentTargets;
import software.amazon.awssdk.services.cloudformation.model.StackInstanceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackSet;

/**
 * `vending destroy --stack-set`: delete every stack instance (their stacks too), wait for the operations,
 * delete the stack set, then the runner token vending stored in each account and region.
 */
public record StackSetDestroyer(AwsSettings settings, DeployContext context, DeployView view) {

    public StackSetReport destroy(String name) {
        Destroyer.refuseEarly(settings, context);
        try (Clients admin = new Clients(settings, context)) {
            admin.prepare(Clients.Service.CLOUDFORMATION, Clients.Service.STS);
            return run(name, admin);
        } catch (SdkException e) {
            throw AwsFailures.of("destroy stack set " + name, e);
        }
    }

    private StackSetReport run(String name, Clients admin) {
        StackSetApi api = new StackSetApi(admin.cfn());
        Optional<StackSet> found = api.describe(name);
        if (found.isEmpty()) {
            view.progress("stack set " + name + " does not exist in " + admin.region + "; nothing to destroy");
            return new StackSetReport(Outcome.NOT_FOUND, name, admin.region, null, null, List.of(), List.of(), null, null);
        }
        StackSet set = found.get();
        boolean serviceManaged = "SERVICE_MANAGED".equals(set.permissionModelAsString());
        List<StackInstanceSummary> instances = api.instances(name);
        view.progress("stack set " + name + " (" + set.permissionModelAsString() + ") in " + admin.region + " with " + instances.size()
                + " instance(s):");
        instances.forEach(i -> view.progress(String.format("  %-16s %-12s %s", i.region(), i.account(), i.statusAsString())));
        if (!settings.yes() && !view.confirm("Delete stack set " + name + ", its " + instances.size() + " stacks and everything in them?")) {
            view.progress("cancelled; nothing changed");
            return new StackSetReport(Outcome.CANCELLED, name, admin.region, set.statusAsString(), set.permissionModelAsString(), List.of(),
                    StackSetStatus.instances(instances), null, null);
        }

        // One DeleteStackInstances per set of regions an account (or OU) has: a call covers accounts x regions.
        Map<String, Set<String>> regionsByOwner = new LinkedHashMap<>();
        for (StackInstanceSummary i : instances) {
            String owner = serviceManaged ? i.organizationalUnitId() : i.account();
            regionsByOwner.computeIfAbsent(owner, o -> new LinkedHashSet<>()).add(i.region());
        }
        Map<Set<String>, List<String>> ownersByRegions = new LinkedHashMap<>();
        regionsByOwner.forEach((owner, regions) -> ownersByRegions.computeIfAbsent(regions, r -> new ArrayList<>()).add(owner));
        List<String> operations = new ArrayList<>();
        for (Map.Entry<Set<String>, List<String>> e : ownersByRegions.entrySet()) {
            DeleteStackInstancesRequest.Builder b = DeleteStackInstancesRequest.builder().stackSetName(name).regions(e.getKey())
                    .retainStacks(false).operationPreferences(StackSetApi.preferences());
            if (serviceManaged) {
                b.deploymentTargets(DeploymentTargets.builder().organizationalUnitIds(e.getValue()).build());
            } else {
                b.accounts(e.getValue());
            }
            String op = api.deleteInstances(b.build());
            operations.add(op);
            view.progress("deleting instances in " + String.join(", ", e.getKey()) + " of " + String.join(", ", e.getValue())
                    + " (operation " + op + ")");
        }
        String follow = StackSetDeployer.followCommand(name, admin.region);
        if (!operations.isEmpty()) {
            StackSetWatch.Ended ended = new StackSetWatch(api, view, context, follow)
                    .await(name, operations, settings.timeout(), "the deletion of the instances of " + name);
            List<StackInstanceSummary> left = api.instances(name);
            if (!ended.succeeded() || !left.isEmpty()) {
                List<String> why = new ArrayList<>(ended.failures());
                if (!left.isEmpty()) {
                    why.add(left.size() + " instance(s) remain");
                }
                return new StackSetReport(Outcome.FAILED, name, admin.region, set.statusAsString(), set.permissionModelAsString(), operations,
                        StackSetStatus.instances(left), null, "stack set " + name + " was not deleted: " + String.join("; ", why)
                                + "; the stored runner tokens were kept (" + follow + ")");
            }
        }
        api.delete(name);
        view.progress("deleted stack set " + name);

        // The tokens vending stored (self-managed: it stored one per account and region it deployed to).
        String tokenParam = null;
        if (!serviceManaged) {
            tokenParam = RunnerToken.parameterName(name);
            int deleted = 0;
            try (StackSetTargets reach = new StackSetTargets(settings, admin)) {
                for (StackInstanceSummary i : instances) {
                    if (RunnerToken.delete(reach.of(new StackSetTargets.Target(i.account(), i.region())).ssm(), tokenParam)) {
                        deleted++;
                    }
                }
            }
            view.progress("deleted runner token parameter " + tokenParam + " in " + deleted + " account/region(s)");
        }
        view.progress("done: stack set " + name + " deleted");
        return new StackSetReport(Outcome.SUCCEEDED, name, admin.region, "DELETED", set.permissionModelAsString(), operations, List.of(),
                tokenParam, null);
    }
}
