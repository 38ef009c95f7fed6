package dev.vending.deploy;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import dev.vending.cfn.Template;
import dev.vending.failure.BadInput;
import dev.vending.failure.Failure;
import dev.vending.fleet.FleetTemplate;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetStatus;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudformation.model.Tag;

/**
 * `vending deploy`: one change set, a preview, a confirmation, then events until the stack settles.
 * Everything that can be refused is refused before the first AWS call; look-ups that do not depend
 * on each other run side by side.
 */
public record Deployer(AwsSettings settings, DeployContext context, DeployView view) {
    private static final DateTimeFormatter CS_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    /** The longest wait for a change set to be ready (--timeout when shorter); they take seconds to minutes. */
    static final Duration CHANGE_SET_LIMIT = Duration.ofMinutes(10);

    public DeployResult deploy(DeployRequest req) {
        String token = refuseEarly(settings, context, req.noExecute(), req.tokenFile(), req.template(), req.s3Bucket(), req.parameters());
        try (Clients clients = new Clients(settings, context)) {
            Run run = new Run(req, token, clients);
            return run.deploy();
        } catch (SdkException e) {
            throw AwsFailures.of("deploy " + req.stackName(), e);
        }
    }

    /**
     * What deploy (a stack or a stack set) refuses before its first AWS call, so exit 2 means nothing
     * was created; returns the token given on this run, or null.
     */
    static String refuseEarly(AwsSettings settings, DeployContext context, boolean noExecute, java.nio.file.Path tokenFile,
            TemplateSource template, String s3Bucket, Map<String, String> parameters) {
        if (settings.json() && !settings.yes() && !noExecute) {
            throw new BadInput("--output", "json never prompts; add --yes (or --no-execute for a preview)");
        }
        if (!settings.yes() && !noExecute && !context.interactive()) {
            throw new BadInput("--yes", "no terminal to confirm on; pass --yes to go ahead without asking (or --no-execute for a preview)");
        }
        if (!template.inline() && s3Bucket == null) {
            throw new BadInput("--s3-bucket", "the template is " + template.sizeBytes() + " bytes, over CloudFormation's "
                    + Template.INLINE_BODY_LIMIT_BYTES + "-byte inline limit; give a bucket to upload it to with --s3-bucket BUCKET");
        }
        String tokenValue = parameters.get(FleetTemplate.P_RUNNER_TOKEN);
        if (tokenValue != null && !tokenValue.isEmpty()) {
            throw new BadInput("--parameter", FleetTemplate.P_RUNNER_TOKEN + " would keep the token in the stack's parameters; "
                    + "give it with --token-file or " + RunnerToken.ENV + " (vending stores it as an SSM SecureString)");
        }
        return RunnerToken.given(tokenFile, context);
    }

    /** One deploy's state, so the steps below read top to bottom. */
    private final class Run {
        final DeployRequest req;
        final TemplateSource t;
        final String name;
        final Clients clients;
        final CloudFormationApi cfn;
        final StackWatch watch;
        String token;

        Run(DeployRequest req, String token, Clients clients) {
            this.req = req;
            this.t = req.template();
            this.name = req.stackName();
            this.token = token;
            this.clients = clients;
            List<Clients.Service> needed = new ArrayList<>(List.of(Clients.Service.CLOUDFORMATION));
            if (usesTokenParameter()) {
                needed.add(Clients.Service.SSM);
            }
            if (needsNetworkLookup()) {
                needed.add(Clients.Service.EC2);
            }
            if (!t.inline()) {
                needed.add(Clients.Service.S3);
            }
            clients.prepare(needed.toArray(Clients.Service[]::new));
            this.cfn = new CloudFormationApi(clients.cfn());
            this.watch = new StackWatch(cfn, view, context, clients.region);
        }

        DeployResult deploy() {
            // 1. Look-ups, side by side: the stack, whether a token is stored, the default network.
            String tokenParam = usesTokenParameter() ? RunnerToken.parameterName(name) : null;
            Future<Boolean> tokenStored = tokenParam != null && token == null
                    ? Concurrently.start("token", () -> RunnerToken.stored(clients.ssm(), tokenParam)) : null;
            Future<Network> defaultNetwork = needsNetworkLookup() ? Concurrently.start("network", this::defaultNetwork) : null;
            Optional<Stack> existing = usable(cfn.describeStack(name));

            // 2. Create or update; on update the stack's parameter values are the previous ones.
            boolean create = existing.isEmpty() || existing.get().stackStatus() == StackStatus.REVIEW_IN_PROGRESS;
            boolean shellIsOurs = existing.isEmpty();
            Map<String, String> previous = new LinkedHashMap<>();
            if (!create) {
                existing.get().parameters().forEach(p -> previous.put(p.parameterKey(), p.parameterValue()));
            }

            // 3. The token: given, stored before, or asked for.
            if (tokenStored != null && !Concurrently.join(tokenStored)) {
                if (!settings.json() && context.interactive()) {
                    token = RunnerToken.prompt(context);
                }
                if (token == null) {
                    throw new BadInput("token", "no runner token: pass --token-file FILE or set " + RunnerToken.ENV
                            + " (no terminal to ask on, and " + tokenParam + " does not exist yet)");
                }
            }

            // 4. Parameters.
            Map<String, ParameterResolver.Value> values = parameters(tokenParam, previous, defaultNetwork);

            // 5. The change set, and a marker for this run's events (taken while it is made ready).
            String csName = "vending-" + LocalDateTime.now(ZoneOffset.UTC).format(CS_TIME) + "-"
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
            CreateChangeSetRequest.Builder cs = CreateChangeSetRequest.builder()
                    .stackName(name)
                    .changeSetName(csName)
                    .changeSetType(create ? ChangeSetType.CREATE : ChangeSetType.UPDATE)
                    .description("vending deploy")
                    .capabilitiesWithStrings(t.capabilities())
                    .parameters(values.values().stream().map(Deployer::toSdk).toList())
                    .tags(req.tags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList());
            String templateUrl = null;
            if (t.inline()) {
                cs.templateBody(t.body);
            } else {
                String key = "vending/" + name + "/" + csName + ".template";
                new S3Api(clients.s3()).put(req.s3Bucket(), key, t.body);
                templateUrl = "https://" + req.s3Bucket() + ".s3." + clients.region + ".amazonaws.com/" + key;
                cs.templateURL(templateUrl);
                view.progress("template (" + t.sizeBytes() + " bytes) uploaded to s3://" + req.s3Bucket() + "/" + key);
            }
            var created = cfn.createChangeSet(cs.build());
            String csId = created.id();
            String stackId = created.stackId();
            Future<String> marker = Concurrently.start("marker", () -> cfn.newestEventId(stackId));
            Result result = new Result(name, clients.region, stackId, csName, create ? "CREATE" : "UPDATE", templateUrl, tokenParam,
                    watch.consoleLink(stackId));

            // 6. Ready, empty, or failed.
            DescribeChangeSetResponse described = cfn.awaitChangeSet(csId, settings.timeout() != null && settings.timeout().compareTo(CHANGE_SET_LIMIT) < 0
                    ? settings.timeout() : CHANGE_SET_LIMIT);
            if (described.status() == ChangeSetStatus.FAILED) {
                String reason = String.valueOf(described.statusReason());
                discard(csId, shellIsOurs ? stackId : null);
                if (reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")) {
                    view.progress("no changes: stack " + name + " is up to date");
                    return result.ended(Outcome.NO_CHANGES);
                }
                throw new Failure(Failure.Kind.AWS, "change set failed: " + reason);
            }

            // 7. Preview, then the confirmation (declined or Ctrl-C: delete what this run made).
            Plan plan = new Plan(name, clients.region, create, resourceChanges(cfn.changes(csId, described)),
                    create ? List.of() : ParameterResolver.changes(t.params(), previous, values));
            result.plan = plan;
            view.plan(plan);
            if (req.noExecute()) {
                view.progress("not executed (--no-execute). Change set " + csName + " is waiting in CloudFormation: review it at "
                        + watch.consoleLink(stackId) + " or run deploy again.");
                return result.ended(Outcome.NOT_EXECUTED);
            }
            if (!confirmed(create, csId, shellIsOurs ? stackId : null)) {
                discard(csId, shellIsOurs ? stackId : null);
                view.progress("cancelled; nothing changed");
                return result.ended(Outcome.CANCELLED);
            }

            // 8. Store the token, execute, follow the events.
            if (tokenParam != null && token != null) {
                RunnerToken.store(clients.ssm(), tokenParam, name, token);
                view.progress("runner token stored as SSM SecureString " + tokenParam);
            } else if (tokenParam != null) {
                view.progress("runner token: reusing SSM SecureString " + tokenParam);
            }
            String since = Concurrently.join(marker);
            cfn.executeChangeSet(csId);
            view.progress((create ? "creating" : "updating") + " stack " + name + " (" + watch.consoleLink(stackId) + ")");
            StackWatch.Watched watched = watch.await(stackId, name, since, Math.max(plan.changes().size(), 1), settings.timeout(),
                    create ? StackWatch.Operation.CREATION : StackWatch.Operation.UPDATE);

            // 9. The result.
            result.watched = watched;
            StackStatus status = watched.status();
            if (status != StackStatus.CREATE_COMPLETE && status != StackStatus.UPDATE_COMPLETE) {
                String explain = switch (status) {
                    case ROLLBACK_COMPLETE -> "; the create rolled back and the empty stack remains: fix the cause, then deploy with --replace-failed";
                    case UPDATE_ROLLBACK_COMPLETE -> "; the update rolled back, the stack runs its previous version";
                    default -> "";
                };
                result.message = "stack " + name + " ended in " + status + explain + " (" + watch.consoleLink(stackId) + ")";
                return result.ended(Outcome.FAILED);
            }
            result.outputs = StackWatch.outputs(watched.stack());
            String tags = result.outputs.getOrDefault(FleetTemplate.OUT_TAGS, t.literalOutput(FleetTemplate.OUT_TAGS));
            result.runnerTags = tags == null || tags.isBlank() ? List.of() : List.of(tags.split(","));
            return result.ended(Outcome.SUCCEEDED);
        }

        boolean usesTokenParameter() {
            return t.has(FleetTemplate.P_TOKEN_PARAMETER) && !req.parameters().containsKey(FleetTemplate.P_TOKEN_PARAMETER);
        }

        /** VpcId or SubnetIds declared and given by no flag: the default network may be needed. */
        boolean needsNetworkLookup() {
            boolean vpc = t.has(FleetTemplate.P_VPC) && req.vpc() == null && !req.parameters().containsKey(FleetTemplate.P_VPC);
            boolean subnets = t.has(FleetTemplate.P_SUBNETS) && (req.subnets() == null || req.subnets().isEmpty())
                    && !req.parameters().containsKey(FleetTemplate.P_SUBNETS);
            return vpc || subnets;
        }

        /** A stack deploy can create or update; a failed first create is replaced with --replace-failed. */
        Optional<Stack> usable(Optional<Stack> found) {
            if (found.isEmpty()) {
                return found;
            }
            Stack stack = found.get();
            StackStatus status = stack.stackStatus();
            if (status == StackStatus.ROLLBACK_COMPLETE || status == StackStatus.ROLLBACK_FAILED) {
                if (!req.replaceFailed()) {
                    throw new Failure(Failure.Kind.AWS, "stack " + name + " is in " + status + ": its first create failed and rolled back, "
                            + "and CloudFormation cannot update such a stack. Look at the failure with `" + watch.followCommand(name)
                            + "`, then run deploy again with --replace-failed to delete it and create it anew");
                }
                view.progress("stack " + name + " is in " + status + "; deleting it first (--replace-failed)");
                String marker = cfn.newestEventId(stack.stackId());
                cfn.deleteStack(stack.stackId());
                StackWatch.Watched gone = watch.await(stack.stackId(), name, marker, 0, settings.timeout(), StackWatch.Operation.DELETION);
                if (gone.status() != StackStatus.DELETE_COMPLETE) {
                    throw new Failure(Failure.Kind.AWS, "could not delete failed stack " + name + " (" + gone.status() + ")");
                }
                return Optional.empty();
            }
            if (!CloudFormationApi.settled(status) && status != StackStatus.REVIEW_IN_PROGRESS) {
                throw new Failure(Failure.Kind.AWS, "stack " + name + " is busy (" + stack.stackStatusAsString() + "); wait for it: "
                        + watch.followCommand(name));
            }
            return found;
        }

        Map<String, ParameterResolver.Value> parameters(String tokenParam, Map<String, String> previous, Future<Network> defaultNetwork) {
            Map<String, String> derived = new LinkedHashMap<>();
            if (tokenParam != null) {
                derived.put(FleetTemplate.P_TOKEN_PARAMETER, tokenParam);
                if (t.has(FleetTemplate.P_RUNNER_TOKEN)) {
                    derived.put(FleetTemplate.P_RUNNER_TOKEN, "");
                }
            }
            derived.putAll(network(previous, defaultNetwork));
            ParameterResolver.Resolution r = ParameterResolver.resolve(t.params(), t.fromFleet, req.parameters(), derived, previous);
            List<String> missing = r.missing();
            if (!missing.isEmpty()) {
                throw new BadInput("--parameter", "no value for template parameter" + (missing.size() > 1 ? "s " : " ")
                        + String.join(", ", missing) + "; pass --parameter " + missing.get(0) + "=VALUE");
            }
            return r.values();
        }

        /**
         * VpcId and SubnetIds as deploy passes them: the flags (or --parameter); else, on update, the
         * stack's current ones (an empty pair stays empty: that stack finds the default VPC itself);
         * else the region's default VPC and its default subnets, the ones the template would find,
         * passed explicitly so the preview and the stack's parameters show them. --vpc alone takes
         * the stack's subnets when it keeps its VPC, else all subnets of that VPC.
         */
        Map<String, String> network(Map<String, String> previous, Future<Network> defaultNetwork) {
            String vpc = req.vpc() != null ? req.vpc() : req.parameters().get(FleetTemplate.P_VPC);
            String subnets = req.subnets() != null && !req.subnets().isEmpty() ? String.join(",", req.subnets())
                    : req.parameters().get(FleetTemplate.P_SUBNETS);
            String previousVpc = previous.get(FleetTemplate.P_VPC);
            String previousSubnets = ParameterResolver.plainList(previous.get(FleetTemplate.P_SUBNETS));
            if (vpc == null && subnets == null) {
                if (previousVpc != null || previousSubnets != null) {
                    vpc = previousVpc;
                    subnets = previousSubnets;
                } else if (defaultNetwork != null) {
                    Network found = Concurrently.join(defaultNetwork);
                    vpc = found.vpc();
                    subnets = String.join(",", found.subnets());
                }
            } else if (subnets == null && !vpc.isEmpty() && t.has(FleetTemplate.P_SUBNETS)) {
                subnets = vpc.equals(previousVpc) && previousSubnets != null ? previousSubnets
                        : String.join(",", new Ec2Api(clients.ec2()).subnetsOf(vpc));
                if (subnets.isEmpty()) {
                    throw new BadInput("--subnets", "VPC " + vpc + " has no subnets; pass --subnets SUBNET_ID,SUBNET_ID");
                }
            } else if (vpc == null && !subnets.isEmpty() && t.has(FleetTemplate.P_VPC)) {
                vpc = previousVpc != null ? previousVpc : Concurrently.join(defaultNetwork).vpc();
            }
            Map<String, String> network = new LinkedHashMap<>();
            if (vpc != null && t.has(FleetTemplate.P_VPC)) {
                network.put(FleetTemplate.P_VPC, vpc);
            }
            if (subnets != null && t.has(FleetTemplate.P_SUBNETS)) {
                network.put(FleetTemplate.P_SUBNETS, subnets);
            }
            return network;
        }

        /** The region's default VPC and its default subnets (DefaultForAz), as the template's own lookup finds them. */
        Network defaultNetwork() {
            Ec2Api ec2 = new Ec2Api(clients.ec2());
            String vpc = ec2.defaultVpc().orElseThrow(() -> new BadInput("--vpc", "region " + clients.region
                    + " has no default VPC; pass --vpc VPC_ID and --subnets SUBNET_ID,SUBNET_ID (subnets with a route to the internet)"));
            List<String> subnets = ec2.defaultSubnetsOf(vpc);
            if (subnets.isEmpty()) {
                throw new BadInput("--subnets", "the default VPC " + vpc + " of region " + clients.region
                        + " has no default subnets; pass --vpc VPC_ID and --subnets SUBNET_ID,SUBNET_ID");
            }
            return new Network(vpc, subnets);
        }

        /** Asks; a Ctrl-C while the question is open deletes what this run created before the process ends. */
        boolean confirmed(boolean create, String csId, String ourShell) {
            if (settings.yes()) {
                return true;
            }
            try (DeployContext.Registration ctrlC = context.onInterrupt(() -> {
                discard(csId, ourShell);
                view.warn("\ninterrupted: change set deleted" + (ourShell != null ? " with the empty stack it made" : "") + "; nothing changed");
            })) {
                return view.confirm((create ? "Create" : "Update") + " stack " + name + " in " + clients.region + "?");
            }
        }

        /** Deletes the change set, and the REVIEW_IN_PROGRESS stack when this run created it. */
        void discard(String csId, String ourShell) {
            cfn.deleteChangeSet(csId);
            if (ourShell != null) {
                cfn.deleteStack(ourShell);
            }
        }
    }

    /** A VPC and its subnets. */
    private record Network(String vpc, List<String> subnets) {
    }

    /** The result as it is filled in, step by step. */
    private final class Result {
        final String stackName;
        final String region;
        final String stackId;
        final String changeSetName;
        final String changeSetType;
        final String templateUrl;
        final String tokenParameter;
        final String consoleUrl;
        Plan plan;
        StackWatch.Watched watched;
        Map<String, String> outputs = Map.of();
        List<String> runnerTags = List.of();
        String message;

        Result(String stackName, String region, String stackId, String changeSetName, String changeSetType, String templateUrl,
                String tokenParameter, String consoleUrl) {
            this.stackName = stackName;
            this.region = region;
            this.stackId = stackId;
            this.changeSetName = changeSetName;
            this.changeSetType = changeSetType;
            this.templateUrl = templateUrl;
            this.tokenParameter = tokenParameter;
            this.consoleUrl = consoleUrl;
        }

        DeployResult ended(Outcome outcome) {
            return new DeployResult(outcome, stackName, region, stackId, changeSetName, changeSetType, templateUrl,
                    plan == null ? List.of() : plan.changes(), plan == null ? List.of() : plan.parameterChanges(),
                    outcome == Outcome.SUCCEEDED || outcome == Outcome.FAILED ? tokenParameter : null,
                    watched == null ? null : watched.stack().stackStatusAsString(),
                    watched == null ? List.of() : watched.events(), watched == null ? List.of() : watched.failures(),
                    outputs, runnerTags, consoleUrl, message);
        }
    }

    static Parameter toSdk(ParameterResolver.Value v) {
        return v.usePrevious() ? Parameter.builder().parameterKey(v.key()).usePreviousValue(true).build()
                : Parameter.builder().parameterKey(v.key()).parameterValue(v.value()).build();
    }

    static List<Plan.ResourceChange> resourceChanges(List<Change> changes) {
        List<Plan.ResourceChange> out = new ArrayList<>();
        for (Change c : changes) {
            var rc = c.resourceChange();
            if (rc != null) {
                out.add(new Plan.ResourceChange(rc.actionAsString(), rc.resourceType(), rc.logicalResourceId(), rc.replacementAsString()));
            }
        }
        return out;
    }
}
