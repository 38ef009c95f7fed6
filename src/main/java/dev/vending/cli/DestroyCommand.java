package dev.vending.cli;

import java.util.concurrent.Callable;

import dev.vending.deploy.DeployContext;
import dev.vending.deploy.Destroyer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vending destroy}: delete a fleet's stack (its cache bucket emptied first) and its stored token. */
@Command(name = "destroy", mixinStandardHelpOptions = true,
        description = "Delete a runner fleet's stack: empties the cache bucket, deletes the stack, waits, then deletes the stored runner token.",
        footer = {"", "Exit codes: 0 deleted or not there, 1 AWS failure or failed deletion, 2 bad input, 130 interrupted (deletion goes on).",
                "Docs: docs/deploy.md"})
public final class DestroyCommand implements Callable<Integer> {

    @Mixin
    AwsOptions aws;

    @Option(names = "--stack-name", paramLabel = "NAME", required = true, description = "Stack to delete.")
    String stackName;

    @Option(names = {"-y", "--yes"}, description = "Delete without asking (needed without a terminal and with --output json).")
    boolean yes;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop waiting after this long (default: ${DEFAULT-VALUE}); deletion goes on.",
            defaultValue = "60m")
    String timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var settings = aws.settings(yes, timeout);
        String name = AwsOptions.checkStackName(stackName);
        return new Destroyer(settings, DeployContext.current(), spec.commandLine().getOut(), spec.commandLine().getErr()).destroy(name);
    }
}
