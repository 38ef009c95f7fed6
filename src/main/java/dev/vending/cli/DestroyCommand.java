package dev.vending.cli;

import java.util.concurrent.Callable;

import dev.vending.deploy.DeployContext;
import dev.vending.deploy.DestroyResult;
import dev.vending.deploy.Destroyer;
import dev.vending.deploy.Outcome;
import dev.vending.deploy.StackSetDestroyer;
import dev.vending.deploy.StackSetReport;
import dev.vending.failure.Failure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vending destroy}: delete a fleet's stack (its cache bucket emptied first) and its stored token. */
@Command(name = "destroy", mixinStandardHelpOptions = true,
        description = "Delete a runner fleet's stack: empties the cache bucket, deletes the stack, waits until it is gone, then deletes the stored runner token.",
        footer = {"", "Exit codes: 0 deleted or not there, 1 AWS failure or failed deletion, 2 bad input, 130 interrupted (deletion goes on).",
                "Docs: docs/deploy.md"})
public final class DestroyCommand implements Callable<Integer> {

    @Mixin
    AwsOptions aws;

    @Option(names = "--name", paramLabel = "NAME", description = "Fleet name given to deploy: deletes stack vending-NAME (default: gitlab-runners).")
    String name;

    @Option(names = "--stack-name", paramLabel = "NAME", description = "Stack to delete (instead of --name).")
    String stackName;

    @Option(names = {"-y", "--yes"}, description = "Delete without asking (needed without a terminal and with --output json).")
    boolean yes;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop waiting after this long (default: ${DEFAULT-VALUE}); deletion goes on.",
            defaultValue = "60m")
    String timeout;

    @Option(names = "--stack-set", description = "The name is a stack set made by deploy --regions (look for it in the --region deploy ran in).")
    boolean stackSet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var settings = aws.settings(yes, timeout);
        String stack = AwsOptions.stackName(AwsOptions.blankToNull(stackName), AwsOptions.blankToNull(name));
        DeployContext context = DeployContext.current();
        DeployConsole console = new DeployConsole(spec.commandLine().getOut(), spec.commandLine().getErr(), settings.json(), context);
        if (stackSet) {
            StackSetReport report = new StackSetDestroyer(settings, context, console).destroy(stack);
            console.stackSet("destroy", report);
            if (report.result() == Outcome.FAILED) {
                throw new Failure(Failure.Kind.AWS, report.message());
            }
            return ExitCodes.OK;
        }
        DestroyResult result = new Destroyer(settings, context, console).destroy(stack);
        console.destroyed(result);
        if (result.result() == Outcome.FAILED) {
            throw new Failure(Failure.Kind.AWS, result.message());
        }
        return ExitCodes.OK;
    }
}
