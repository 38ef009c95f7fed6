package dev.vending.fleet;

import java.util.List;

/**
 * The runner manager's config template: the {@code [[runners]]} entry that {@code gitlab-runner register
 * --template-config} merges into config.toml (register drops any token in a template, and none is here).
 * Keys are the ones GitLab Runner's {@code common.AutoscalerConfig} reads; see docs/docker-autoscaler.md.
 */
public final class AutoscalerConfigToml {
    /** SSH user of Amazon Linux 2023, whose EC2 Instance Connect agent accepts the plugin's pushed keys. */
    public static final String WORKER_USER = "ec2-user";
    /** Written by the worker bootstrap once Docker answers; /run is emptied at every boot. */
    public static final String READY_MARKER = "/run/vending-worker-ready";
    /**
     * The runner runs this over SSH on each new worker before using it; a failure removes the instance.
     * Waiting for cloud-init first means a still-booting worker is not mistaken for a broken one.
     */
    public static final String READY_COMMAND = "cloud-init status --wait >/dev/null 2>&1; test -f " + READY_MARKER
            + " && docker info >/dev/null";
    public static final String EVERY_MINUTE = "* * * * *";

    private AutoscalerConfigToml() {
    }

    /**
     * @param workerGroup the worker Auto Scaling group's name (may be CloudFormation Sub text)
     * @param region      its region (may be Sub text)
     */
    public static String render(FleetSpec spec, String workerGroup, String region) {
        AutoscalerSettings a = spec.autoscaler();
        if (a == null) {
            throw new IllegalArgumentException("not a docker-autoscaler fleet");
        }
        RunnerSettings r = spec.runner();
        StringBuilder t = new StringBuilder();
        t.append("[[runners]]\n");
        t.append("  executor = ").append(str(Executor.DOCKER_AUTOSCALER.id())).append('\n');
        t.append("  [runners.docker]\n");
        t.append("    image = ").append(str(r.dockerImage())).append('\n');
        t.append("    privileged = ").append(r.privileged()).append('\n');
        t.append("  [runners.autoscaler]\n");
        t.append("    plugin = ").append(str("aws:" + a.pluginVersion())).append('\n');
        t.append("    capacity_per_instance = ").append(r.concurrency()).append('\n');
        if (a.maxUseCount() > 0) {
            t.append("    max_use_count = ").append(a.maxUseCount()).append('\n');
        }
        t.append("    max_instances = ").append(spec.capacity().max()).append('\n');
        t.append("    instance_ready_command = ").append(str(READY_COMMAND)).append('\n');
        t.append("    [runners.autoscaler.plugin_config]\n");
        t.append("      name = ").append(str(workerGroup)).append('\n');
        t.append("      region = ").append(str(region)).append('\n');
        t.append("    [runners.autoscaler.connector_config]\n");
        t.append("      username = ").append(str(WORKER_USER)).append('\n');
        t.append("      use_external_addr = false\n");
        if (a.periods().isEmpty()) {
            policy(t, List.of(EVERY_MINUTE), a.timeZone(), a.idleCount(), a.idleTime());
        } else {
            // the last matching policy wins: nothing warm by default, idle_count in the scheduled hours
            policy(t, List.of(EVERY_MINUTE), a.timeZone(), 0, a.idleTime());
            policy(t, a.periods(), a.timeZone(), a.idleCount(), a.idleTime());
        }
        return t.toString();
    }

    /** The manager's {@code concurrent}: every slot of every worker (GitLab's guidance for this executor). */
    public static int concurrent(FleetSpec spec) {
        return spec.capacity().max() * spec.runner().concurrency();
    }

    private static void policy(StringBuilder t, List<String> periods, String zone, int idleCount, String idleTime) {
        t.append("    [[runners.autoscaler.policy]]\n");
        t.append("      periods = [");
        for (int i = 0; i < periods.size(); i++) {
            t.append(i == 0 ? "" : ", ").append(str(periods.get(i)));
        }
        t.append("]\n");
        t.append("      timezone = ").append(str(zone)).append('\n');
        t.append("      idle_count = ").append(idleCount).append('\n');
        t.append("      idle_time = ").append(str(idleTime)).append('\n');
    }

    /** A TOML basic string. */
    static String str(String v) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
