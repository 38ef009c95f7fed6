package dev.vending.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command: only dispatches to subcommands (registered by {@link Main}, lazily). */
@Command(name = "vending",
        mixinStandardHelpOptions = true,
        versionProvider = VendingCommand.Version.class,
        description = "GitLab Runner fleets on AWS: Spot, Graviton, schedules, least privilege, from a few flags.",
        footer = {"", "Docs: docs/README.md. Exit codes: 0 ok, 1 AWS or I/O failure, 2 bad input."})
public final class VendingCommand implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show details and stack traces of failures.")
    void verbose(boolean v) {
        GlobalOptions.verbose = v;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required (generate, deploy, destroy, status, cost, easybuttons)");
    }

    /** Version from the jar manifest (Maven writes it), "dev" when run from classes. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = VendingCommand.class.getPackage().getImplementationVersion();
            return new String[] {"vending " + (v == null ? "dev" : v), "Java " + System.getProperty("java.version")};
        }
    }
}
