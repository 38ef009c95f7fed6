package dev.vending.deploy;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import dev.vending.cli.ExitCodes;
import dev.vending.failure.BadInput;
import dev.vending.failure.Failure;
import dev.vending.fleet.FleetTemplate;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Change;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.CreateChangeSetRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.ResourceChange;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Vpc;

/** `vending deploy`: one change set, a preview, a confirmation, then events until the stack settles. */
public record Deployer(AwsSettings settings, DeployContext context, PrintWriter out, PrintWriter err) {
    private static final DateTimeFormatter CS_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    public int deploy(DeployRequest req) {
        Ui ui = new Ui(out, err, settings.json(), context);
        if (settings.json() && !settings.yes() && !req.noExecute()) {
            throw new BadInput("--output", "json never prompts; add --yes (or --no-execute for a preview)");
        }
        // Token given on this run: read and checked before any AWS call, so bad input exits 2 at once.
        String token = RunnerToken.given(req.tokenFile(), context);
        if (!req.template().inline() && req.s3Bucket() == null) {
            throw new BadInput("--s3-bucket", "the template is " + req.template().sizeBytes() + " bytes, over CloudFormation's "
                    + dev.vending.cfn.Template.INLINE_BODY_LIMIT_BYTES + "-byte inline limit; give a bucket to upload it to with --s3-bucket BUCKET");
        }
        try (Clients clients = new Clients(settings, context)) {
            return run(req, token, clients, ui);
        } catch (SdkException e) {
            throw AwsFailures.of("deploy " + req.stackName(), e);
        }
    }

    private int run(DeployRequest req, String token, Clients clients, Ui ui) {
        CloudFormationClient cfn = clients.cfn();
        StackOps ops = new StackOps(clients, ui);
        String name = req.stackName();
        ui.facts.put("command", "deploy");
        ui.facts.put("stackName", name);
        ui.facts.put("region", clients.region);

        Optional<Stack> existing = ops.find(name);
        if (existing.isPresent()) {
            String status = existing.get().stackStatusAsString();
            if ("ROLLBACK_COMPLETE".equals(status) || "ROLLBACK_FAILED".equals(status)) {
                if (!req.replaceFailed()) {
                    throw new Failure(Failure.Kind.AWS, "stack " + name + " is in " + status + ": its first create failed and rolled back, "
                            + "and CloudFormation cannot update such a stack. Look at the failure with `" + ops.followCommand(name)
                            + "`, then run deploy again with --replace-failed to delete it and create it anew", null);
                }
                ui.say("stack " + name + " is in " + status + "; deleting it first (--replace-failed)");
                String id = existing.get().stackId();
                String marker = ops.marker(id);
                cfn.deleteStack(b -> b.stackName(id));
                StackOps.Outcome gone = ops.await(id, name, marker, 0, settings.timeout(), "deletion");
                if (!"DELETE_COMPLETE".equals(gone.status())) {
                    throw new Failure(Failure.Kind.AWS, "could not delete failed stack " + name + " (" + gone.status() + ")");
                }
                existing = Optional.empty();
            } else if (StackOps.terminal(status) || "REVIEW_IN_PROGRESS".equals(status)) {
                // fine: settled, or created by a change set that never ran
            } else {
                throw new Failure(Failure.Kind.AWS, "stack " + name + " is busy (" + status + "); wait for it: " + ops.followCommand(name));
            }
        }
        boolean create = existing.isEmpty() || "REVIEW_IN_PROGRESS".equals(existing.get().stackStatusAsString());
        Map<String, String> previous = new LinkedHashMap<>();
        if (!create) {
            existing.get().parameters().forEach(p -> previous.put(p.parameterKey(), p.parameterValue()));
        }

        // Token: stored in SSM by us, the stack gets only the parameter's name.
        TemplateSource t = req.template();
        String tokenParam = null;
        boolean storeToken = false;
        if (req.parameters().containsKey(FleetTemplate.P_RUNNER_TOKEN) && !req.parameters().get(FleetTemplate.P_RUNNER_TOKEN).isEmpty()) {
            throw new BadInput("--parameter", FleetTemplate.P_RUNNER_TOKEN + " would keep the token in the stack's parameters; "
                    + "give it with --token-file or " + RunnerToken.ENV + " (vending stores it as an SSM SecureString)");
        }
        if (t.has(FleetTemplate.P_TOKEN_PARAMETER) && !req.parameters().containsKey(FleetTemplate.P_TOKEN_PARAMETER)) {
            tokenParam = RunnerToken.parameterName(name);
            if (token == null && !RunnerToken.stored(clients.ssm(), tokenParam)) {
                if (!settings.json() && context.interactive()) {
                    token = RunnerToken.prompt(context);
                }
                if (token == null) {
                    throw new BadInput("token", "no runner token: pass --token-file FILE or set " + RunnerToken.ENV
                            + " (no terminal to ask on, and " + tokenParam + " does not exist yet)");
                }
            }
            storeToken = token != null;
        }

        Map<String, ParamValue> values = parameters(req, t, previous, tokenParam, clients);
        List<String> capabilities = t.capabilities();

        String csName = "vending-" + LocalDateTime.now(ZoneOffset.UTC).format(CS_TIME) + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        CreateChangeSetRequest.Builder cs = CreateChangeSetRequest.builder()
                .stackName(name)
                .changeSetName(csName)
                .changeSetType(create ? ChangeSetType.CREATE : ChangeSetType.UPDATE)
                .description("vending deploy")
                .capabilitiesWithStrings(capabilities)
                .parameters(values.values().stream().map(ParamValue::toSdk).toList())
                .tags(req.tags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList());
        if (t.inline()) {
            cs.templateBody(t.body);
        } else {
            String key = "vending/" + name + "/" + csName + ".template";
            clients.s3().putObject(b -> b.bucket(req.s3Bucket()).key(key),
                    RequestBody.fromString(t.body, StandardCharsets.UTF_8));
            String url = "https://" + req.s3Bucket() + ".s3." + clients.region + ".amazonaws.com/" + key;
            cs.templateURL(url);
            ui.say("template (" + t.sizeBytes() + " bytes) uploaded to s3://" + req.s3Bucket() + "/" + key);
            ui.facts.put("templateUrl", url);
        }
        var created = cfn.createChangeSet(cs.build());
        String csId = created.id();
        String stackId = created.stackId();
        ui.facts.put("stackId", stackId);
        ui.facts.put("changeSetType", create ? "CREATE" : "UPDATE");
        ui.facts.put("changeSetName", csName);

        DescribeChangeSetResponse described = waitForChangeSet(cfn, csId);
        if ("FAILED".equals(described.statusAsString())) {
            String reason = String.valueOf(described.statusReason());
            cfn.deleteChangeSet(b -> b.changeSetName(csId));
            if (reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")) {
                ui.say("no changes: stack " + name + " is up to date");
                ui.facts.put("result", "NO_CHANGES");
                return ui.ok();
            }
            throw new Failure(Failure.Kind.AWS, "change set failed: " + reason);
        }
        List<Change> changes = allChanges(cfn, csId, described);
        preview(ui, name, create, changes);

        if (req.noExecute()) {
            ui.say("not executed (--no-execute). Change set " + csName + " is waiting in CloudFormation: review it at "
                    + ops.consoleLink(stackId) + " or run deploy again.");
            ui.facts.put("result", "NOT_EXECUTED");
            return ui.ok();
        }
        if (!ui.confirm(settings.yes(), (create ? "Create" : "Update") + " stack " + name + " in " + clients.region + "?")) {
            cfn.deleteChangeSet(b -> b.changeSetName(csId));
            if (create) {
                cfn.deleteStack(b -> b.stackName(stackId)); // the empty REVIEW_IN_PROGRESS shell the change set made
            }
            ui.say("cancelled; nothing changed");
            ui.facts.put("result", "CANCELLED");
            return ui.ok();
        }

        if (storeToken) {
            RunnerToken.store(clients.ssm(), tokenParam, name, token);
            ui.say("runner token stored as SSM SecureString " + tokenParam);
        } else if (tokenParam != null) {
            ui.say("runner token: reusing SSM SecureString " + tokenParam);
        }
        if (tokenParam != null) {
            ui.facts.put("tokenParameter", tokenParam);
        }

        String marker = ops.marker(stackId);
        cfn.executeChangeSet(b -> b.changeSetName(csId));
        ui.say((create ? "creating" : "updating") + " stack " + name + " (" + ops.consoleLink(stackId) + ")");
        StackOps.Outcome outcome = ops.await(stackId, name, marker, Math.max(changes.size(), 1), settings.timeout(),
                create ? "creation" : "update");
        ui.facts.put("status", outcome.status());
        ui.facts.put("events", outcome.events());
        ui.facts.put("consoleUrl", ops.consoleLink(stackId));
        String status = outcome.status();
        if (!"CREATE_COMPLETE".equals(status) && !"UPDATE_COMPLETE".equals(status)) {
            List<String> lines = StackOps.failureLines(outcome);
            ui.facts.put("failures", lines);
            ui.facts.put("result", "FAILED");
            for (String l : lines) {
                ui.note("  failed: " + l);
            }
            String explain = switch (status) {
                case "ROLLBACK_COMPLETE" -> "; the create rolled back and the empty stack remains: fix the cause, then deploy with --replace-failed";
                case "UPDATE_ROLLBACK_COMPLETE" -> "; the update rolled back, the stack runs its previous version";
                default -> "";
            };
            ui.finish(ExitCodes.FAILURE);
            throw new Failure(Failure.Kind.AWS, "stack " + name + " ended in " + status + explain + " (" + ops.consoleLink(stackId) + ")");
        }
        ui.facts.put("result", "SUCCEEDED");
        report(ui, ops, outcome.stack(), t);
        return ui.ok();
    }

    /** One parameter as sent: a value, or UsePreviousValue (only for NoEcho String parameters). */
    record ParamValue(String key, String value, boolean usePrevious) {
        Parameter toSdk() {
            return usePrevious ? Parameter.builder().parameterKey(key).usePreviousValue(true).build()
                    : Parameter.builder().parameterKey(key).parameterValue(value).build();
        }
    }

    /**
     * Every template parameter gets an explicit value (moto: UsePreviousValue on List/SSM types is a 500):
     * --parameter, then what deploy derives (token name, --vpc/--subnets), then for a fleet its flags
     * (the template defaults), then the stack's previous value, then the default, then the default VPC.
     */
    private Map<String, ParamValue> parameters(DeployRequest req, TemplateSource t, Map<String, String> previous,
            String tokenParam, Clients clients) {
        for (String k : req.parameters().keySet()) {
            if (!t.has(k)) {
                throw new BadInput("--parameter", "the template has no parameter '" + k + "' (it has " + String.join(", ", t.params().keySet()) + ")");
            }
        }
        Map<String, String> derived = new LinkedHashMap<>();
        if (tokenParam != null) {
            derived.put(FleetTemplate.P_TOKEN_PARAMETER, tokenParam);
            if (t.has(FleetTemplate.P_RUNNER_TOKEN)) {
                derived.put(FleetTemplate.P_RUNNER_TOKEN, "");
            }
        }
        if (req.vpc() != null) {
            derived.put(FleetTemplate.P_VPC, req.vpc());
        }
        if (req.subnets() != null && !req.subnets().isEmpty()) {
            derived.put(FleetTemplate.P_SUBNETS, String.join(",", req.subnets()));
        }
        Map<String, ParamValue> values = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (TemplateSource.Param p : t.params().values()) {
            String k = p.name();
            String v = req.parameters().containsKey(k) ? req.parameters().get(k) : derived.get(k);
            if (v == null && t.fromFleet && p.defaultValue() != null) {
                v = p.defaultValue();
            }
            if (v == null && previous.containsKey(k)) {
                if (p.noEcho()) {
                    values.put(k, new ParamValue(k, null, true));
                    continue;
                }
                if (!(p.type().startsWith("AWS::SSM::") && p.defaultValue() != null)) {
                    v = normaliseList(p, previous.get(k));
                }
            }
            if (v == null) {
                v = p.defaultValue();
            }
            if (v == null) {
                missing.add(k);
                continue;
            }
            values.put(k, new ParamValue(k, v, false));
        }
        boolean needVpc = missing.contains(FleetTemplate.P_VPC);
        boolean needSubnets = missing.contains(FleetTemplate.P_SUBNETS);
        if (needVpc || needSubnets) {
            String vpc = needVpc ? defaultVpc(clients) : values.get(FleetTemplate.P_VPC).value();
            if (needVpc) {
                values.put(FleetTemplate.P_VPC, new ParamValue(FleetTemplate.P_VPC, vpc, false));
                missing.remove(FleetTemplate.P_VPC);
            }
            if (needSubnets) {
                values.put(FleetTemplate.P_SUBNETS, new ParamValue(FleetTemplate.P_SUBNETS, String.join(",", subnetsOf(clients, vpc)), false));
                missing.remove(FleetTemplate.P_SUBNETS);
            }
        }
        if (!missing.isEmpty()) {
            throw new BadInput("--parameter", "no value for template parameter" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing) + "; pass --parameter " + missing.get(0) + "=VALUE");
        }
        // keep the template's order
        Map<String, ParamValue> ordered = new LinkedHashMap<>();
        t.params().keySet().forEach(k -> ordered.put(k, values.get(k)));
        return ordered;
    }

    /** moto answers a List parameter's previous value as "['a', 'b']"; AWS as "a,b". */
    static String normaliseList(TemplateSource.Param p, String v) {
        if (v != null && p.type().startsWith("List<") && v.startsWith("[") && v.endsWith("]")) {
            List<String> parts = new ArrayList<>();
            for (String s : v.substring(1, v.length() - 1).split(",")) {
                String x = s.strip().replaceAll("^['\"]|['\"]$", "");
                if (!x.isEmpty()) {
                    parts.add(x);
                }
            }
            return String.join(",", parts);
        }
        return v;
    }

    private static String defaultVpc(Clients clients) {
        List<Vpc> vpcs = clients.ec2().describeVpcs(b -> b.filters(Filter.builder().name("isDefault").values("true").build())).vpcs();
        if (vpcs.isEmpty()) {
            throw new BadInput("--vpc", "region " + clients.region + " has no default VPC; pass --vpc VPC_ID and --subnets SUBNET_ID,SUBNET_ID "
                    + "(subnets with a route to the internet)");
        }
        return vpcs.get(0).vpcId();
    }

    private static List<String> subnetsOf(Clients clients, String vpc) {
        List<Subnet> subnets = new ArrayList<>(clients.ec2().describeSubnets(b -> b.filters(
                Filter.builder().name("vpc-id").values(vpc).build())).subnets());
        if (subnets.isEmpty()) {
            throw new BadInput("--subnets", "VPC " + vpc + " has no subnets; pass --subnets SUBNET_ID,SUBNET_ID");
        }
        subnets.sort(Comparator.comparing(Subnet::availabilityZone, Comparator.nullsLast(Comparator.naturalOrder())));
        return subnets.stream().map(Subnet::subnetId).toList();
    }

    private DescribeChangeSetResponse waitForChangeSet(CloudFormationClient cfn, String csId) {
        long pause = Math.min(context.pollMillis(), 2_000);
        long deadline = System.nanoTime() + 10L * 60 * 1_000_000_000L;
        while (true) {
            DescribeChangeSetResponse r = cfn.describeChangeSet(b -> b.changeSetName(csId));
            String s = r.statusAsString();
            if ("CREATE_COMPLETE".equals(s) || "FAILED".equals(s) || System.nanoTime() > deadline) {
                return r;
            }
            StackOps.sleep(pause);
        }
    }

    private static List<Change> allChanges(CloudFormationClient cfn, String csId, DescribeChangeSetResponse first) {
        List<Change> all = new ArrayList<>(first.changes());
        String next = first.nextToken();
        while (next != null) {
            String token = next;
            DescribeChangeSetResponse page = cfn.describeChangeSet(b -> b.changeSetName(csId).nextToken(token));
            all.addAll(page.changes());
            next = page.nextToken();
        }
        return all;
    }

    private static void preview(Ui ui, String name, boolean create, List<Change> changes) {
        List<Map<String, Object>> facts = new ArrayList<>();
        ui.say((create ? "Create" : "Update") + " stack " + name + ": " + changes.size() + " resource change" + (changes.size() == 1 ? "" : "s"));
        for (Change c : changes) {
            ResourceChange rc = c.resourceChange();
            if (rc == null) {
                continue;
            }
            String action = rc.actionAsString();
            String sign = switch (action == null ? "" : action) {
                case "Add" -> "+";
                case "Modify" -> "~";
                case "Remove" -> "-";
                default -> "?";
            };
            String replacement = rc.replacementAsString() == null ? "" : switch (rc.replacementAsString()) {
                case "True" -> "replace";
                case "Conditional" -> "may replace";
                default -> "";
            };
            ui.say(ui.paint("Add".equals(action) ? "X_COMPLETE" : "Remove".equals(action) ? "X_FAILED" : "X_IN_PROGRESS",
                    String.format("  %s %-8s %-40s %-34s %s", sign, action, rc.resourceType(), rc.logicalResourceId(), replacement).stripTrailing()));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("action", action);
            f.put("resourceType", rc.resourceType());
            f.put("logicalResourceId", rc.logicalResourceId());
            f.put("replacement", rc.replacementAsString());
            facts.add(f);
        }
        if (changes.isEmpty()) {
            ui.say("  (CloudFormation lists no resource changes: only parameters, tags or outputs change)");
        }
        ui.facts.put("changes", facts);
    }

    private static void report(Ui ui, StackOps ops, Stack stack, TemplateSource t) {
        Map<String, String> outputs = ops.outputs(stack);
        ui.facts.put("outputs", outputs);
        if (!outputs.isEmpty()) {
            ui.say("Outputs:");
            outputs.forEach((k, v) -> ui.say(String.format("  %-22s %s", k, v)));
        }
        String tags = outputs.getOrDefault(FleetTemplate.OUT_TAGS, t.literalOutput(FleetTemplate.OUT_TAGS));
        if (tags != null && !tags.isBlank()) {
            List<String> list = List.of(tags.split(","));
            ui.facts.put("runnerTags", list);
            ui.say("Runner tags for .gitlab-ci.yml:");
            ui.say("  tags: [" + String.join(", ", list) + "]");
        }
        ui.say("Console: " + ops.consoleLink(stack.stackId()));
        ui.say("done: stack " + stack.stackName() + " " + stack.stackStatusAsString().toLowerCase(Locale.ROOT).replace('_', ' '));
    }
}
