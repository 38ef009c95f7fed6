package dev.vending.deploy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;

import dev.vending.cli.Main;

/** A DeployContext with its own environment, no terminal, fast polling; and a way to run the CLI in-process. */
public final class TestContext extends DeployContext {
    public final Map<String, String> env = new HashMap<>();
    boolean interactive;
    String answer;
    String secret;

    public TestContext() {
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
    }

    @Override
    public Map<String, String> env() {
        return env;
    }

    @Override
    public boolean interactive() {
        return interactive;
    }

    @Override
    public char[] readSecret(String prompt) {
        return interactive && secret != null ? secret.toCharArray() : null;
    }

    @Override
    public String readLine(String prompt) {
        if (interactive && ctrlCAtPrompt) {
            new java.util.ArrayList<>(onInterrupt).forEach(Runnable::run);
            throw new dev.vending.failure.Failure(dev.vending.failure.Failure.Kind.INTERRUPTED, "interrupted");
        }
        return interactive ? answer : null;
    }

    @Override
    public long pollMillis() {
        return 20;
    }

    /** Interrupt actions registered and not closed yet, in order. */
    final java.util.List<Runnable> onInterrupt = new java.util.ArrayList<>();
    /** Simulates Ctrl-C at the confirmation prompt: runs what is registered, then the process would end. */
    boolean ctrlCAtPrompt;

    @Override
    public Registration onInterrupt(Runnable action) {
        onInterrupt.add(action);
        return () -> onInterrupt.remove(action);
    }

    /** Result of one in-process run. */
    public record Result(int code, String out, String err) {
        public String all() {
            return out + "\n" + err;
        }
    }

    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        DeployContext.override(this);
        try {
            int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
            return new Result(code, out.toString(), err.toString());
        } finally {
            DeployContext.override(null);
        }
    }
}
