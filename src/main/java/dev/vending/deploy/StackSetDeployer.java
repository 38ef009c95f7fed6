package dev.vending.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;

import dev.vending.failure.BadInput;
import dev.vending.failure.Failure;
import dev.vending.fleet.FleetTemplate;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.model.AutoDeployment;
import software.amazon.awssdk.services.cloudformation.model.CreateStackInstancesRequest;
import software.amazon.awssdk.services.cloudformation.model.CreateStackSetRequest;
import software.amazon.awssdk.services.cloudformation.model.DeploymentTargets;
import software.amazon.awssdk.services.cloudformation.model.ManagedExecution;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.PermissionModels;
import software.amazon.awssdk.services.cloudformation.model.StackInstanceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackSet;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.cloudformation.model.UpdateStackInstancesRequest;
import software.amazon.awssdk.services.cloudformation.model.UpdateStackSetRequest;

/**
 * `vending deploy --regions`: the same fleet in several regions (and accounts) through one CloudFormation
 * stack set, one stack instance per account and region. CloudFormation's StackSets engine creates the
 * stacks; vending stores the runner token in each target's SSM first, works out each instance's
 * parameter overrides, and follows the operations instance by instance.
 */
public record StackSetDeployer(AwsSettings settings, DeployContext context, DeployView view) {

    public StackSetReport deploy(StackSetRequest raw) {
        StackSetRequest req = raw.check();
        String token = Deployer.refuseEarly(settings, context, false, req.tokenFile(), req.template(), req.s3Bucket(), req.parameters());
        if (req.serviceManaged()) {
            token = null; // the token is the organisation's to store (StackSetRequest.check)
        }
        try (Clients admin = new Clients(settings, context)) {
            return new Run(req, token, admin).deploy();
        } catch (SdkException e) {
            throw AwsFailures.of("deploy stack set " + req.name(), e);
        }
    }

    /** The command that follows a stack set. */
    static String followCommand(String name, String region) {
        return "vending status --stack-set --stack-name " + name + " --region " + region;
    }

    /** Parameter values that differ per instance, as one CreateStackInstances call sends them. */
    record Group(List<String> accounts, List<String> regions, Map<String, String> overrides) {
    }

    private final class Run {
        final StackSetRequest req;
        final TemplateSource t;
        final String name;
        final Clients admin;
        final StackSetApi api;
        String token;

        Run(StackSetRequest req, String token, Clients admin) {
            this.req = req;
            this.t = req.template();
            this.name = req.name();
            this.token = token;
            this.admin = admin;
            List<Clients.Service> needed = new ArrayList<>(List.of(Clients.Service.CLOUDFORMATION, Clients.Service.STS));
            if (!req.serviceManaged()) {
                needed.add(Clients.Service.IAM);
            }
            if (!t.inline()) {
                needed.add(Clients.Service.S3);
            }
            admin.prepare(needed.toArray(Clients.Service[]::new));
            this.api = new StackSetApi(admin.cfn());
        }

        StackSetReport deploy() {
            Optional<StackSet> existing = api.describe(name);
            PermissionModels model = req.serviceManaged() ? PermissionModels.SERVICE_MANAGED : PermissionModels.SELF_MANAGED;
            if (existing.isPresent() && existing.get().permissionModel() != model) {
                throw new Failure(Failure.Kind.AWS, "stack set " + name + " exists with " + existing.get().permissionModelAsString()
                        + " permissions; CloudFormation cannot change that: use " + (model == PermissionModels.SELF_MANAGED ? "--org-units" : "--accounts")
                        + " as before, or another --stack-name");
            }
            List<StackInstanceSummary> current = existing.isPresent() ? api.instances(name) : List.of();

            // 1. Where the instances go, and the roles that lets CloudFormation (and vending) act there.
            List<StackSetTargets.Target> targets = new ArrayList<>();
            try (StackSetTargets reach = new StackSetTargets(settings, admin)) {
                if (!req.serviceManaged()) {
                    List<String> accounts = req.accounts().isEmpty() ? List.of(reach.ownAccount) : req.accounts();
                    reach.checkSelfManagedRoles(accounts);
                    for (String a : accounts) {
                        for (String r : req.regions()) {
                            targets.add(new StackSetTargets.Target(a, r));
                        }
                    }
                } else {
                    for (String r : req.regions()) {
                        targets.add(new StackSetTargets.Target(null, r)); // every account of the OUs
                    }
                }
                String tokenParam = usesTokenParameter() ? RunnerToken.parameterName(name) : null;

                // 2. Per target, side by side: is a token stored there, and its network when nothing names one.
                Map<StackSetTargets.Target, Future<Boolean>> stored = new LinkedHashMap<>();
                Map<StackSetTargets.Target, Future<Map<String, String>>> networks = new LinkedHashMap<>();
                for (StackSetTargets.Target target : targets) {
                    if (tokenParam != null && token == null) {
                        stored.put(target, Concurrently.start("token-" + target.region(),
                                () -> RunnerToken.stored(reach.of(target).ssm(), tokenParam)));
                    }
                    if (target.account() != null && needsNetwork(target.region())) {
                        networks.put(target, Concurrently.start("network-" + target.region(), () -> network(reach.of(target), target)));
                    }
                }
                List<String> without = new ArrayList<>();
                stored.forEach((target, f) -> {
                    if (!Concurrently.join(f)) {
                        without.add(target.toString());
                    }
                });
                if (!without.isEmpty()) {
                    if (!settings.json() && context.interactive()) {
                        token = RunnerToken.prompt(context);
                    }
                    if (token == null) {
                        throw new BadInput("token", "no runner token: pass --token-file FILE or set " + RunnerToken.ENV + " ("
                                + tokenParam + " does not exist yet in " + String.join(", ", without) + ")");
                    }
                }

                // 3. Each instance's parameters: the stack set gets the first one's, instances override what differs.
                Map<StackSetTargets.Target, Map<String, String>> values = new LinkedHashMap<>();
                for (StackSetTargets.Target target : targets) {
                    Map<String, String> derived = new LinkedHashMap<>();
                    if (tokenParam != null) {
                        derived.put(FleetTemplate.P_TOKEN_PARAMETER, tokenParam);
                        if (t.has(FleetTemplate.P_RUNNER_TOKEN)) {
                            derived.put(FleetTemplate.P_RUNNER_TOKEN, "");
                        }
                    }
                    if (networks.containsKey(target)) {
                        derived.putAll(Concurrently.join(networks.get(target)));
                    }
                    values.put(target, resolve(target.region(), derived));
                }
                Map<String, String> base = values.get(targets.get(0));
                Map<StackSetTargets.Target, Map<String, String>> overrides = new LinkedHashMap<>();
                values.forEach((target, v) -> overrides.put(target, differing(base, v)));

                // 4. What will happen; then the confirmation.
                Set<String> have = new LinkedHashSet<>();
                for (StackInstanceSummary i : current) {
                    have.add(req.serviceManaged() ? i.region() : i.region() + " " + i.account());
                }
                List<StackSetTargets.Target> fresh = targets.stream()
                        .filter(x -> !have.contains(req.serviceManaged() ? x.region() : x.toString())).toList();
                // existing instances whose overrides no longer match (self-managed: one instance per account and region)
                List<StackSetTargets.Target> changed = new ArrayList<>();
                if (!req.serviceManaged()) {
                    for (StackSetTargets.Target target : targets) {
                        if (!fresh.contains(target) && !overrides.get(target).equals(api.overrides(name, target.account(), target.region()))) {
                            changed.add(target);
                        }
                    }
                }
                view.progress((existing.isPresent() ? "Update" : "Create") + " stack set " + name + " in " + admin.region + " ("
                        + model + (req.serviceManaged() ? ", auto-deployment to accounts added to " + String.join(", ", req.orgUnits()) : "")
                        + "): " + (existing.isPresent() ? current.size() + " instance(s) updated, " : "") + fresh.size() + " new");
                for (StackSetTargets.Target target : targets) {
                    String where = target.account() == null ? target.region() + " (every account of " + String.join(", ", req.orgUnits()) + ")"
                            : target.toString();
                    Map<String, String> o = overrides.get(target);
                    view.progress("  " + (fresh.contains(target) ? "+ " : "~ ") + where + (changed.contains(target) ? " (overrides change)" : "")
                            + (o.isEmpty() ? "" : "  " + String.join(" ", o.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())));
                }
                if (!settings.yes() && !view.confirm((existing.isPresent() ? "Update" : "Create") + " stack set " + name + "?")) {
                    view.progress("cancelled; nothing changed");
                    return new StackSetReport(Outcome.CANCELLED, name, admin.region, null, model.toString(), List.of(), List.of(), null, null);
                }

                // 5. The token in every target, before any instance can start.
                if (tokenParam != null && token != null) {
                    String tk = token;
                    List<Future<Boolean>> puts = new ArrayList<>();
                    for (StackSetTargets.Target target : targets) {
                        puts.add(Concurrently.start("store-" + target.region(), () -> {
                            RunnerToken.store(reach.of(target).ssm(), tokenParam, name, tk);
                            return true;
                        }));
                    }
                    puts.forEach(Concurrently::join);
                    view.progress("runner token stored as SSM SecureString " + tokenParam + " in " + targets.size() + " account/region(s)");
                } else if (tokenParam != null) {
                    view.progress("runner token: reusing SSM SecureString " + tokenParam + " in every target");
                }

                // 6. The stack set, then the instances: CloudFormation's engine does the stacks.
                List<String> operations = new ArrayList<>();
                List<Parameter> params = sdk(base);
                List<Tag> tags = req.tags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
                String templateUrl = templateUrl();
                if (existing.isEmpty()) {
                    CreateStackSetRequest.Builder create = CreateStackSetRequest.builder().stackSetName(name)
                            .description("vending fleet " + name).capabilitiesWithStrings(t.capabilities()).parameters(params).tags(tags)
                            .permissionModel(model)
                            // queue conflicting operations, run the others side by side (one CreateStackInstances per override group)
                            .managedExecution(ManagedExecution.builder().active(true).build());
                    if (req.serviceManaged()) {
                        create.autoDeployment(AutoDeployment.builder().enabled(true).retainStacksOnAccountRemoval(false).build());
                    }
                    api.create(templateUrl != null ? create.templateURL(templateUrl).build() : create.templateBody(t.body).build());
                    view.progress("stack set " + name + " created");
                } else if (!current.isEmpty()) {
                    UpdateStackSetRequest.Builder update = UpdateStackSetRequest.builder().stackSetName(name)
                            .capabilitiesWithStrings(t.capabilities()).parameters(params).tags(tags)
                            .operationPreferences(StackSetApi.preferences());
                    operations.add(api.update(templateUrl != null ? update.templateURL(templateUrl).build() : update.templateBody(t.body).build()));
                    view.progress("updating the " + current.size() + " existing instance(s) (operation " + operations.get(0) + ")");
                }
                for (Group g : groups(changed, overrides)) {
                    // the full list: a parameter left out goes back to the stack set's value
                    String op = api.updateInstances(UpdateStackInstancesRequest.builder().stackSetName(name).accounts(g.accounts())
                            .regions(g.regions()).operationPreferences(StackSetApi.preferences()).parameterOverrides(sdk(g.overrides())).build());
                    operations.add(op);
                    view.progress("new overrides for " + String.join(", ", g.regions()) + " of " + String.join(", ", g.accounts())
                            + " (operation " + op + ")");
                }
                for (Group g : groups(fresh, overrides)) {
                    CreateStackInstancesRequest.Builder b = CreateStackInstancesRequest.builder().stackSetName(name).regions(g.regions())
                            .operationPreferences(StackSetApi.preferences())
                            .parameterOverrides(sdk(g.overrides()));
                    if (req.serviceManaged()) {
                        b.deploymentTargets(DeploymentTargets.builder().organizationalUnitIds(req.orgUnits()).build());
                    } else {
                        b.accounts(g.accounts());
                    }
                    String op = api.createInstances(b.build());
                    operations.add(op);
                    view.progress("creating instances in " + String.join(", ", g.regions()) + (g.accounts().isEmpty() ? "" : " for "
                            + String.join(", ", g.accounts())) + " (operation " + op + ")");
                }
                if (operations.isEmpty()) {
                    view.progress("no changes: stack set " + name + " has an instance in every target");
                    return report(Outcome.NO_CHANGES, model, operations, tokenParam, null);
                }

                // 7. Follow every operation instance by instance.
                StackSetWatch.Ended ended = new StackSetWatch(api, view, context, followCommand(name, admin.region))
                        .await(name, operations, settings.timeout(), "the stack set operation(s) of " + name);
                if (!ended.succeeded()) {
                    return report(Outcome.FAILED, model, operations, tokenParam, "stack set " + name + ": " + String.join("; ", ended.failures())
                            + " (see " + followCommand(name, admin.region) + ")");
                }
                view.progress("done: stack set " + name + ", " + targets.size() + " instance(s) current");
                return report(Outcome.SUCCEEDED, model, operations, tokenParam, null);
            }
        }

        StackSetReport report(Outcome outcome, PermissionModels model, List<String> operations, String tokenParam, String message) {
            String status = api.describe(name).map(StackSet::statusAsString).orElse(null);
            return new StackSetReport(outcome, name, admin.region, status, model.toString(), operations, StackSetStatus.instances(api.instances(name)),
                    tokenParam, message);
        }

        boolean usesTokenParameter() {
            return !req.serviceManaged() && t.has(FleetTemplate.P_TOKEN_PARAMETER) && !req.parameters().containsKey(FleetTemplate.P_TOKEN_PARAMETER);
        }

        Map<String, String> given(String region) {
            Map<String, String> explicit = new LinkedHashMap<>(req.parameters());
            explicit.putAll(req.regionParameters().getOrDefault(region, Map.of()));
            return explicit;
        }

        /**
         * VpcId or SubnetIds declared and given for this region by nothing. As a single-stack deploy does,
         * vending then passes each target's default network explicitly (visible in the overrides and the
         * stacks' parameters) rather than leaving the lookup to the template's DefaultNetwork function.
         */
        boolean needsNetwork(String region) {
            Map<String, String> explicit = given(region);
            return t.has(FleetTemplate.P_VPC) && !explicit.containsKey(FleetTemplate.P_VPC)
                    || t.has(FleetTemplate.P_SUBNETS) && !explicit.containsKey(FleetTemplate.P_SUBNETS);
        }

        /** The target's default VPC and its subnets (or the subnets of the VPC given for the region). */
        Map<String, String> network(Clients c, StackSetTargets.Target target) {
            Ec2Api ec2 = new Ec2Api(c.ec2());
            String vpc = given(target.region()).get(FleetTemplate.P_VPC);
            boolean defaultVpc = vpc == null;
            if (defaultVpc) {
                vpc = ec2.defaultVpc().orElseThrow(() -> new BadInput("--region-parameter", target + " has no default VPC; pass --region-parameter "
                        + target.region() + ":VpcId=VPC_ID and --region-parameter " + target.region() + ":SubnetIds=SUBNET_ID,SUBNET_ID"));
            }
            // the default VPC's default subnets only (DefaultForAz), as the template's own lookup and a single-stack deploy take
            List<String> subnets = defaultVpc ? ec2.defaultSubnetsOf(vpc) : ec2.subnetsOf(vpc);
            if (subnets.isEmpty()) {
                throw new BadInput("--region-parameter", "VPC " + vpc + " in " + target + " has no subnets; pass --region-parameter "
                        + target.region() + ":SubnetIds=SUBNET_ID,SUBNET_ID");
            }
            Map<String, String> out = new LinkedHashMap<>();
            out.put(FleetTemplate.P_VPC, vpc);
            out.put(FleetTemplate.P_SUBNETS, String.join(",", subnets));
            return out;
        }

        Map<String, String> resolve(String region, Map<String, String> derived) {
            ParameterResolver.Resolution r = ParameterResolver.resolve(t.params(), t.fromFleet, given(region), derived, Map.of());
            if (!r.missing().isEmpty()) {
                throw new BadInput("--region-parameter", "no value for template parameter" + (r.missing().size() > 1 ? "s " : " ")
                        + String.join(", ", r.missing()) + " in " + region + "; pass --region-parameter " + region + ":" + r.missing().get(0)
                        + "=VALUE (or --parameter for every region)");
            }
            Map<String, String> out = new LinkedHashMap<>();
            r.values().values().forEach(v -> out.put(v.key(), v.value()));
            return out;
        }

        String templateUrl() {
            if (t.inline()) {
                return null;
            }
            String key = "vending/" + name + "/stackset-" + System.currentTimeMillis() + ".template";
            new S3Api(admin.s3()).put(req.s3Bucket(), key, t.body);
            view.progress("template (" + t.sizeBytes() + " bytes) uploaded to s3://" + req.s3Bucket() + "/" + key);
            return "https://" + req.s3Bucket() + ".s3." + admin.region + ".amazonaws.com/" + key;
        }
    }

    static List<Parameter> sdk(Map<String, String> values) {
        return values.entrySet().stream().map(e -> Parameter.builder().parameterKey(e.getKey()).parameterValue(e.getValue()).build()).toList();
    }

    /** The values of {@code v} that differ from the stack set's own. */
    static Map<String, String> differing(Map<String, String> base, Map<String, String> v) {
        Map<String, String> out = new LinkedHashMap<>();
        v.forEach((k, value) -> {
            if (!Objects.equals(base.get(k), value)) {
                out.put(k, value);
            }
        });
        return out;
    }

    /**
     * New instances as few CreateStackInstances calls as their overrides allow: a call covers accounts x
     * regions with one set of overrides, so targets with the same overrides and the same accounts share one.
     */
    static List<Group> groups(List<StackSetTargets.Target> fresh, Map<StackSetTargets.Target, Map<String, String>> overrides) {
        Map<Map<String, String>, Map<String, List<String>>> accountsByRegion = new LinkedHashMap<>();
        for (StackSetTargets.Target target : fresh) {
            List<String> accounts = accountsByRegion.computeIfAbsent(overrides.get(target), o -> new LinkedHashMap<>())
                    .computeIfAbsent(target.region(), r -> new ArrayList<>());
            if (target.account() != null) {
                accounts.add(target.account());
            }
        }
        List<Group> out = new ArrayList<>();
        accountsByRegion.forEach((o, byRegion) -> {
            Map<List<String>, List<String>> regionsByAccounts = new LinkedHashMap<>();
            byRegion.forEach((region, accounts) -> regionsByAccounts.computeIfAbsent(accounts, a -> new ArrayList<>()).add(region));
            regionsByAccounts.forEach((accounts, regions) -> out.add(new Group(accounts, regions, o)));
        });
        return out;
    }
}
