package dev.vending.bootstrap;

/**
 * The docker-autoscaler mode's two scripts: the manager's part (inserted between the common header and
 * body of the Linux bootstrap) and the workers' whole user data. Both are resources next to this class.
 */
public final class AutoscalerScripts {
    private AutoscalerScripts() {
    }

    /**
     * The manager's setup (kept in an SSM parameter, read by {@link #managerLoader()}), Fn::Sub text: {@code configTemplate} is written verbatim into a quoted heredoc,
     * so it may carry Sub references (the worker group's name, the region) but no heredoc terminator.
     */
    public static String managerPart(String configTemplate) {
        if (configTemplate.contains("VENDING_EOF")) {
            throw new IllegalArgumentException("config template must not contain the heredoc terminator");
        }
        String part = Bootstrap.compact(Bootstrap.resource("linux-autoscaler-manager.sh"));
        return Bootstrap.markers(part, token -> token.equals("CONFIG_TEMPLATE") ? configTemplate.stripTrailing() : null);
    }

    /** The manager's user data part (Fn::Sub text naming the setup parameter as {@code ${ManagerSetup}}): read the setup, run it. */
    public static String managerLoader() {
        return Bootstrap.compact(Bootstrap.resource("linux-autoscaler-manager-loader.sh"));
    }

    /**
     * The workers' user data (plain text, not Sub): Docker with the IMDS firewall, its disk set up as on docker
     * runners, the SSH user in the docker group, then the ready marker. Packed as the runners' body is
     * (about a third of its size), since the easy buttons must fit CloudFormation's inline limit.
     */
    public static String worker(String sshUser, String readyMarker) {
        String script = Bootstrap.compact(Bootstrap.include(Bootstrap.resource("linux-autoscaler-worker.sh")));
        String body = Bootstrap.markers(script, token -> switch (token) {
            case "READY_MARKER" -> sh(readyMarker);
            case "WORKER_USER" -> sh(sshUser);
            default -> null;
        });
        if (!body.startsWith("#!/bin/bash\n")) {
            throw new IllegalStateException("the worker script must start with #!/bin/bash");
        }
        return "#!/bin/bash\n" + Bootstrap.packLinuxBody(body.substring("#!/bin/bash\n".length()));
    }

    /** Single-quotes for bash (this package does not depend on the fleet model). */
    private static String sh(String value) {
        return "'" + value.replace("'", "'\"'\"'") + "'";
    }
}
