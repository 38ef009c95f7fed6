package dev.vending.cli;

import java.io.PrintWriter;
import java.util.List;


import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import dev.vending.failure.BadInput;
import dev.vending.failure.Failure;

/** Entry point: builds the command line and maps every exception to one line and an exit code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs a command with the given streams (tests call this in-process). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        GlobalOptions.verbose = false;
        CommandLine cli = commandLine(args.length > 0 ? args[0] : null);
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    /** Subcommand names in help order. */
    static final List<String> COMMANDS = List.of("generate", "deploy", "destroy", "status", "cost", "easybuttons",
            "generate-completion", "help");

    /** The full command tree (help, completion, reference docs). */
    static {
        // Start-up: picocli probes for Groovy with Class.forName, and a class that is not there
        // costs a scan of every jar on the class path (the AWS SDK's included) on each start.
        System.setProperty("picocli.disable.closures", "true");
        // picocli registers converters for java.time and java.sql types with Class.forName, which
        // runs their static initialisers (MonthDay's builds a DateTimeFormatter). No option here
        // has such a type; a new one would fail every test that builds the command tree.
        if (System.getProperty("picocli.converters.excludes") == null) {
            System.setProperty("picocli.converters.excludes", "java\\.(sql|time)\\..*");
        }
    }

    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * Start-up matters: building picocli's model reflects over every option of every command, so
     * when the first argument names a command only that one is built. Anything else (root help,
     * {@code help COMMAND}, a typo, completion) gets the whole tree so picocli can list or suggest commands.
     */
    static CommandLine commandLine(String first) {
        CommandLine cli = new CommandLine(new VendingCommand());
        if (first != null && COMMANDS.contains(first) && !first.equals("generate-completion") && !first.equals("help")) {
            cli.addSubcommand(first, command(first));
        } else if (!"--version".equals(first) && !"-V".equals(first)) {
            COMMANDS.forEach(name -> cli.addSubcommand(name, command(name)));
        }
        // every command's --version prints the tool's (generate-completion's would print picocli's)
        VendingCommand.Version version = new VendingCommand.Version();
        for (CommandLine sub : cli.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(version);
            if (sub.getCommandSpec().optionsMap().get("--version") == null) { // picocli's help command
                sub.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("-V", "--version").versionHelp(true)
                        .description("Print version information and exit.").build());
            }
        }
        HelpLayout.install(cli);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler(Main::badParameter);
        cli.setExecutionExceptionHandler(Main::failed);
        return cli;
    }

    /** One switch, so a command's classes load only when that command is built. */
    private static Object command(String name) {
        return switch (name) {
            case "generate" -> new GenerateCommand();
            case "deploy" -> new DeployCommand();
            case "destroy" -> new DestroyCommand();
            case "status" -> new StatusCommand();
            case "cost" -> new CostCommand();
            case "easybuttons" -> new EasyButtonsCommand();
            case "generate-completion" -> new picocli.AutoComplete.GenerateCompletion();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static int badParameter(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String message = ex.getMessage();
        if (message != null && message.startsWith("Invalid value for option")) {
            message = message.replaceFirst("^Invalid value for option '([^']+)': ", "$1: ");
        }
        ParseResult parsed = cmd.getParseResult();
        if (!(ex instanceof UnmatchedArgumentException) && parsed != null && !parsed.unmatched().isEmpty()) {
            // a mistyped required option shows up as "missing" first; the typo is the news
            ex = new UnmatchedArgumentException(cmd, parsed.unmatched());
        }
        if (ex instanceof UnmatchedArgumentException unmatched) {
            message = Suggestions.describe(unmatched);
        } else if (message != null && message.startsWith("Unknown subcommand '") && ex.getValue() != null) {
            message = Suggestions.unknownCommand(cmd, ex.getValue()); // vending help NAME
        }
        cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(message)
                + " (see " + cmd.getCommandSpec().qualifiedName() + " --help)");
        return ExitCodes.USAGE;
    }

    private static int failed(Exception ex, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        // bad input found after parsing (fleet rules, paths, contradictory flags): one line, exit 2
        if (ex instanceof BadInput bad) {
            err.println(name + ": " + oneLine(bad.line()));
            return ExitCodes.USAGE;
        }
        if (ex instanceof Failure f) {
            err.println(name + ": " + oneLine(f.getMessage()));
            if (GlobalOptions.verbose && f.getCause() != null) {
                f.getCause().printStackTrace(err);
            }
            return exitCode(f.kind());
        }
        err.println(name + ": " + oneLine(describe(ex)));
        if (GlobalOptions.verbose) {
            ex.printStackTrace(err);
        } else {
            err.println("(run with --verbose for details)");
        }
        return ExitCodes.FAILURE;
    }

    /** The one place a failure's kind becomes an exit code. */
    static int exitCode(Failure.Kind kind) {
        return switch (kind) {
            case AWS, IO -> ExitCodes.FAILURE;
            case INTERRUPTED -> ExitCodes.INTERRUPTED;
        };
    }

    static String describe(Throwable ex) {
        String m = ex.getMessage();
        if (ex instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + m;
        }
        if (ex instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + m;
        }
        return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
