package dev.vending.cli;

import java.io.PrintWriter;

import dev.vending.fleet.InvalidFleetException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

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
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new VendingCommand());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler(Main::badParameter);
        cli.setExecutionExceptionHandler(Main::failed);
        return cli;
    }

    private static int badParameter(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String message = ex.getMessage();
        if (message != null && message.startsWith("Invalid value for option")) {
            message = message.replaceFirst("^Invalid value for option '([^']+)': ", "$1: ");
        }
        cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(message)
                + " (see " + cmd.getCommandSpec().qualifiedName() + " --help)");
        return ExitCodes.USAGE;
    }

    private static int failed(Exception ex, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        if (ex instanceof InvalidFleetException bad) {
            err.println(name + ": " + oneLine(bad.line()));
            return ExitCodes.USAGE;
        }
        if (ex instanceof UsageException bad) {
            err.println(name + ": " + oneLine(bad.line()));
            return ExitCodes.USAGE;
        }
        if (ex instanceof CommandFailure f) {
            err.println(name + ": " + oneLine(f.getMessage()));
            if (GlobalOptions.verbose && f.getCause() != null) {
                f.getCause().printStackTrace(err);
            }
            return f.exitCode();
        }
        err.println(name + ": " + oneLine(describe(ex)));
        if (GlobalOptions.verbose) {
            ex.printStackTrace(err);
        } else {
            err.println("(run with --verbose for details)");
        }
        return ExitCodes.FAILURE;
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
