package dev.vending.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.vending.deploy.AwsSettings;
import dev.vending.deploy.DeployContext;
import dev.vending.deploy.DeployRequest;
import dev.vending.deploy.DeployResult;
import dev.vending.deploy.Deployer;
import dev.vending.deploy.Outcome;
import dev.vending.deploy.StackSetDeployer;
import dev.vending.deploy.StackSetReport;
import dev.vending.deploy.StackSetRequest;
import dev.vending.deploy.TemplateSource;
import dev.vending.failure.BadInput;
import dev.vending.failure.Failure;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.FleetTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vending deploy}: create or update the fleet's stack through one reviewed change set. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Create or update a runner fleet's CloudFormation stack: one change set, a preview, a confirmation, then live events.",
                "The runner token (--token-file, GITLAB_RUNNER_TOKEN, or a hidden prompt) is stored as the SSM SecureString "
                        + "/vending/<stack>/runner-token; the stack only gets that name."},
        footer = {"", "Exit codes: 0 deployed or no changes, 1 AWS failure or failed stack, 2 bad input, 130 interrupted (the stack goes on).",
                "Docs: docs/deploy.md"})
public final class DeployCommand implements Callable<Integer> {

    @Mixin
    FleetOptions fleet;

    @Mixin
    AwsOptions aws;

    @Option(names = "--template-file", paramLabel = "FILE", description = "Deploy this template (written by generate) instead of one built from the fleet options.")
    Path templateFile;

    @Option(names = "--stack-name", paramLabel = "NAME", description = "Stack name (default: vending-<--name>; required with --template-file).")
    String stackName;

    @Option(names = "--vpc", paramLabel = "VPC_ID", description = "VPC of the runners (default: the stack's current one, else the region's default VPC).")
    String vpc;

    @Option(names = "--subnets", paramLabel = "SUBNET_ID", split = ",", description = "Subnets of that VPC (default: the stack's current ones, else all subnets of the --vpc given, else the default VPC's default subnets).")
    List<String> subnets;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the GitLab runner token (default: env GITLAB_RUNNER_TOKEN, the stored token, or a prompt).")
    Path tokenFile;

    @Option(names = "--parameter", paramLabel = "KEY=VALUE", description = "Template parameter value (repeatable); wins over everything deploy derives.")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = "--tags", paramLabel = "KEY=VALUE", split = ",", description = "Stack tags, propagated to the resources (repeatable).")
    Map<String, String> tags = new LinkedHashMap<>();

    @Option(names = "--s3-bucket", paramLabel = "BUCKET", description = "Bucket for templates over CloudFormation's 51,200-byte inline limit.")
    String s3Bucket;

    @Option(names = {"-y", "--yes"}, description = "Execute without asking (needed without a terminal and with --output json).")
    boolean yes;

    @Option(names = "--no-execute", description = "Stop after the preview; the change set stays for review.")
    boolean noExecute;

    @Option(names = "--replace-failed", description = "A stack in ROLLBACK_COMPLETE (its first create failed) is deleted and created again.")
    boolean replaceFailed;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop waiting after this long, e.g. 45m (default: ${DEFAULT-VALUE}); the stack goes on.",
            defaultValue = "60m")
    String timeout;

    @Option(names = {"-q", "--quiet"}, description = "No advice or cost estimate lines (the preview, events and result stay).")
    boolean quiet;

    @Option(names = "--regions", paramLabel = "REGION", split = ",", description = {
            "Deploy the fleet to these regions through one CloudFormation stack set (created in --region), one stack instance per region and account.",
            "The runner token is stored in each target's SSM first; see docs/deploy.md."})
    List<String> regions;

    @Option(names = "--accounts", paramLabel = "ACCOUNT_ID", split = ",", description = "With --regions: these accounts too (self-managed permissions: the stack set roles must exist; default: this account).")
    List<String> accounts;

    @Option(names = "--org-units", paramLabel = "OU_ID", split = ",", description = "With --regions: every account of these organizational units, and accounts added later (service-managed permissions, auto-deployment).")
    List<String> orgUnits;

    @Option(names = "--region-parameter", paramLabel = "REGION:KEY=VALUE", description = "With --regions: a template parameter value for one region's instances (repeatable), e.g. eu-west-1:VpcId=vpc-0abc.")
    List<String> regionParameters;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var settings = aws.settings(yes, timeout);
        TemplateSource template;
        String name;
        if (templateFile != null) {
            List<String> fleetFlags = spec.mixins().get("fleet").options().stream()
                    .filter(o -> spec.commandLine().getParseResult().hasMatchedOption(o))
                    .map(OptionSpec::longestName).toList();
            if (!fleetFlags.isEmpty()) {
                throw new BadInput("--template-file", "cannot be combined with fleet options (" + String.join(", ", fleetFlags)
                        + "); the template already fixes them, use --parameter for its parameters");
            }
            if (stackName == null) {
                throw new BadInput("--stack-name", "required with --template-file");
            }
            name = AwsOptions.checkStackName(stackName);
            template = TemplateSource.fromFile(templateFile);
        } else {
            FleetSpec fleetSpec = fleet.toSpec();
            name = stackName != null ? AwsOptions.checkStackName(stackName) : AwsOptions.stackNameOf(fleetSpec.name());
            template = TemplateSource.fromFleet(FleetTemplate.build(fleetSpec));
            if (!quiet) {
                FleetNotes.print(fleetSpec, settings.region() != null ? settings.region() : dev.vending.cost.CostInputs.DEFAULT_REGION,
                        spec.commandLine().getErr());
            }
        }
        DeployContext context = DeployContext.current();
        if (regions != null) {
            return stackSet(settings, name, template, context);
        }
        if (accounts != null || orgUnits != null || regionParameters != null) {
            throw new BadInput(accounts != null ? "--accounts" : orgUnits != null ? "--org-units" : "--region-parameter",
                    "only with --regions (a stack set); a single stack deploys to --region in this account");
        }
        DeployRequest request = new DeployRequest(name, template, AwsOptions.blankToNull(vpc), subnets, tokenFile,
                parameters, tags, AwsOptions.blankToNull(s3Bucket), noExecute, replaceFailed);
        DeployConsole console = new DeployConsole(spec.commandLine().getOut(), spec.commandLine().getErr(), settings.json(), context);
        DeployResult result = new Deployer(settings, context, console).deploy(request);
        console.deployed(result);
        if (result.result() == Outcome.FAILED) {
            throw new Failure(Failure.Kind.AWS, result.message());
        }
        return ExitCodes.OK;
    }

    /** --regions: the same template through a stack set; options that name one region's things cannot apply to all of them. */
    private Integer stackSet(AwsSettings settings, String name, TemplateSource template, DeployContext context) {
        if (vpc != null || subnets != null) {
            throw new BadInput(vpc != null ? "--vpc" : "--subnets", "names one region's network and cannot work across --regions; "
                    + "use --region-parameter REGION:VpcId=... and REGION:SubnetIds=... (default: each target's default VPC)");
        }
        if (noExecute) {
            throw new BadInput("--no-execute", "a stack set has no change set to preview; without --yes deploy shows the instances and asks");
        }
        if (replaceFailed) {
            throw new BadInput("--replace-failed", "applies to a single stack; a stack set retries failed instances when deploy runs again");
        }
        StackSetRequest request = new StackSetRequest(name, template, regions, accounts == null ? List.of() : accounts,
                orgUnits == null ? List.of() : orgUnits, regionParameters(), tokenFile, parameters, tags, AwsOptions.blankToNull(s3Bucket));
        DeployConsole console = new DeployConsole(spec.commandLine().getOut(), spec.commandLine().getErr(), settings.json(), context);
        StackSetReport report = new StackSetDeployer(settings, context, console).deploy(request);
        console.stackSet("deploy", report);
        if (report.result() == Outcome.FAILED) {
            throw new Failure(Failure.Kind.AWS, report.message());
        }
        return ExitCodes.OK;
    }

    /** --region-parameter REGION:KEY=VALUE, by region. */
    private Map<String, Map<String, String>> regionParameters() {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String entry : regionParameters == null ? List.<String>of() : regionParameters) {
            int colon = entry.indexOf(':');
            int eq = entry.indexOf('=');
            if (colon <= 0 || eq < colon + 2) {
                throw new BadInput("--region-parameter", "expected REGION:KEY=VALUE, e.g. eu-west-1:VpcId=vpc-0abc, got '" + entry + "'");
            }
            out.computeIfAbsent(entry.substring(0, colon).trim(), r -> new LinkedHashMap<>())
                    .put(entry.substring(colon + 1, eq).trim(), entry.substring(eq + 1).trim());
        }
        return out;
    }
}
