package dev.vending.cli;

import java.util.concurrent.Callable;

import dev.vending.deploy.DeployContext;
import dev.vending.deploy.StatusReporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vending status}: the stack's state and each runner instance. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a fleet stack's state, its group's desired and in-service counts, and each instance (Spot or On-Demand, type, AZ, state).",
        footer = {"", "Exit codes: 0 shown, 1 AWS failure or no such stack, 2 bad input.", "Docs: docs/deploy.md"})
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    AwsOptions aws;

    @Option(names = "--stack-name", paramLabel = "NAME", required = true, description = "Stack to show.")
    String stackName;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var settings = aws.settings(true, null);
        String name = AwsOptions.checkStackName(stackName);
        return new StatusReporter(settings, DeployContext.current(), spec.commandLine().getOut(), spec.commandLine().getErr()).status(name);
    }
}
