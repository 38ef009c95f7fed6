package dev.vending.deploy;

import java.io.Console;
import java.util.Map;

/**
 * What deploy, destroy and status take from the process: environment variables, the terminal,
 * and how often to poll. Tests install their own with {@link #override} instead of touching the
 * process environment. Holds no AWS SDK types, so the cli classes may name it.
 */
public class DeployContext {
    private static volatile DeployContext override;

    /** The context for this run: the test override if one is installed, else the process's. */
    public static DeployContext current() {
        DeployContext c = override;
        return c != null ? c : new DeployContext();
    }

    /** Tests only: install (or with null remove) a context. */
    public static void override(DeployContext context) {
        override = context;
    }

    public Map<String, String> env() {
        return System.getenv();
    }

    public String env(String name) {
        String v = env().get(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** True when a person can answer prompts. */
    public boolean interactive() {
        return System.console() != null;
    }

    /** Reads a secret without echo; null when there is no terminal. */
    public char[] readSecret(String prompt) {
        Console c = System.console();
        return c == null ? null : c.readPassword("%s", prompt);
    }

    /** Reads one answer line; null when there is no terminal. */
    public String readLine(String prompt) {
        Console c = System.console();
        return c == null ? null : c.readLine("%s", prompt);
    }

    /** Longest pause between polls of a stack operation (they start at 250 ms and grow to this). */
    public long pollMillis() {
        return 5_000;
    }

    /** A registered interrupt action; closing it unregisters it. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Runs {@code action} if the process is interrupted (Ctrl-C) before the registration is
     * closed: a JVM shutdown hook, so it runs while the process ends. Tests override this.
     */
    public Registration onInterrupt(Runnable action) {
        Thread hook = new Thread(action, "vending-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        return () -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: Ctrl-C
            }
        };
    }
}
