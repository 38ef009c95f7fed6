package dev.vending.cli;

import java.util.concurrent.Callable;

import dev.vending.deploy.DeployContext;
import dev.vending.deploy.StackSetStatus;
import dev.vending.deploy.StatusReporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vending status}: the stack's state, each runner instance, the scaling metric now and the in-service alarm. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a fleet stack's state and outputs, its group's desired and in-service counts, each instance (Spot or On-Demand, type, AZ, state), and recent failed launches with the log stream to read. An elastic fleet adds its scaling policy, the policy's metric now against the target, and the busy instances protected from scale-in; a fleet with --alarm-topic-arn adds its in-service alarm's state.",
        footer = {"", "Exit codes: 0 shown, 1 AWS failure or no such stack, 2 bad input.", "Docs: docs/deploy.md"})
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    AwsOptions aws;

    @Option(names = "--name", paramLabel = "NAME", description = "Fleet name given to deploy: shows stack vending-NAME (default: gitlab-runners).")
    String name;

    @Option(names = "--stack-name", paramLabel = "NAME", description = "Stack to show (instead of --name).")
    String stackName;

    @Option(names = "--stack-set", description = "The name is a stack set made by deploy --regions (look for it in the --region deploy ran in).")
    boolean stackSet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var settings = aws.settings(true, null);
        String stack = AwsOptions.stackName(AwsOptions.blankToNull(stackName), AwsOptions.blankToNull(name));
        DeployContext context = DeployContext.current();
        DeployConsole console = new DeployConsole(spec.commandLine().getOut(), spec.commandLine().getErr(), settings.json(), context);
        if (stackSet) {
            console.stackSet("status", new StackSetStatus(settings, context).status(stack));
            return ExitCodes.OK;
        }
        console.status(new StatusReporter(settings, context).status(stack));
        return ExitCodes.OK;
    }
}
