package dev.vending.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vending.fleet.Executor;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.OperatingSystem;
import dev.vending.fleet.SecuritySettings;

/**
 * The wiring around the IMDS firewall that cannot run here (systemd, Docker, Windows), checked on
 * the script as an instance receives it. The rules themselves run in {@link ImdsFirewallNamespaceTest}.
 */
class BootstrapImdsTextTest {
    private static final SecuritySettings JOBS_USE_ROLE = new SecuritySettings(true, true, null, null);

    @Test
    void linuxAppliesTheRulesBeforeAnyJobAndAtEveryDockerStart() {
        for (Executor executor : Executor.values()) {
            String s = rendered(FleetSpec.builder().executor(executor).build());
            assertTrue(s.contains("VENDING_JOBS_IMDS='blocked'\n"), executor + ": blocked by default");
            int script = s.indexOf("cat >/usr/local/sbin/vending-imds-firewall <<'VENDING_EOF'");
            int dropIn = s.indexOf("printf '[Service]\\nExecStartPost=/usr/local/sbin/vending-imds-firewall docker\\n' "
                    + ">/etc/systemd/system/docker.service.d/vending-imds.conf");
            int dockerStart = s.indexOf("systemctl enable --now docker");
            int runnerStart = s.indexOf("systemctl restart gitlab-runner");
            assertTrue(script > 0 && dropIn > script, "script, then Docker's drop-in");
            assertTrue(dockerStart < 0 || dockerStart > dropIn, "the drop-in is in place before Docker first starts");
            assertTrue(s.substring(dropIn, dockerStart < 0 ? runnerStart : dockerStart).contains("systemctl daemon-reload"));
            // the runner (and so every job) cannot start without the rule: ExecStartPre of gitlab-runner.service
            assertTrue(s.contains("\nPRE='ExecStartPre=/usr/local/sbin/vending-imds-firewall jobs-user gitlab-runner'\n"), s); // compacted: no indentation
            assertTrue(s.contains("cat >/etc/systemd/system/gitlab-runner.service.d/vending.conf <<UNIT\n[Service]\n$PRE\n"));
            assertTrue(s.indexOf("PRE=''") < script, "PRE is empty unless the rules are installed");
            assertTrue(s.contains("gitlab-runner install --user=gitlab-runner"), "shell jobs run as the unprivileged user");
            assertTrue(s.contains("chmod 0600 /etc/gitlab-runner/config.toml"), "the token's file is root-only");
            assertTrue(s.indexOf("chmod 0600 /etc/gitlab-runner/config.toml") < runnerStart);
        }
        assertTrue(rendered(FleetSpec.builder().security(JOBS_USE_ROLE).build()).contains("VENDING_JOBS_IMDS='allowed'\n"));
    }

    @Test
    void dockerAutoscalerWorkersApplyTheDockerRuleBeforeDockerFirstStartsAndAtEveryStart() {
        String s = ImdsFirewallNamespaceTest.renderedWorker();
        int script = s.indexOf("cat >/usr/local/sbin/vending-imds-firewall <<'VENDING_EOF'");
        int dropIn = s.indexOf("printf '[Service]\\nExecStartPost=/usr/local/sbin/vending-imds-firewall docker\\n' "
                + ">/etc/systemd/system/docker.service.d/vending-imds.conf");
        int install = s.indexOf("dnf install -y -q docker iptables-nft");
        int applied = s.indexOf("\nimds_firewall\n");
        int dockerStart = s.indexOf("\nsystemctl enable --now docker\n");
        assertTrue(script > 0 && dropIn > script, "script, then Docker's drop-in");
        assertTrue(install > 0 && applied > install && dockerStart > applied,
                "iptables installed, the rule's drop-in in place, then Docker's first start");
        assertTrue(s.substring(dropIn, applied).contains("systemctl daemon-reload"));
        assertTrue(s.indexOf("touch \"$READY\"") > dockerStart, "ready for the manager only after that");
    }

    @Test
    void windowsRunsJobsAsAnUnprivilegedUserBlockedFromImds() {
        FleetSpec blocked = FleetSpec.builder().os(OperatingSystem.WINDOWS).executor(Executor.SHELL).build();
        String s = rendered(blocked);
        assertTrue(s.contains("$VendingJobsImds = 'blocked'\n"));
        assertTrue(s.contains("-RemoteAddress '169.254.169.254', 'fd00:ec2::254' -LocalUser \"D:(A;;CC;;;$sid)\""));
        assertTrue(s.contains("-Direction Outbound -Action Block"));
        assertTrue(s.contains("$inst += @('--user', '.\\gitlab-runner', '--password', $pw)"));
        assertTrue(s.contains("/inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F'"),
                "runner binary, config and the watcher's script: SYSTEM and Administrators only, before anything is written");
        assertEquals(dev.vending.fleet.CacheMode.NONE, blocked.cache(), "no S3 cache without the instance role on Windows");
        assertTrue(rendered(FleetSpec.builder().os(OperatingSystem.WINDOWS).executor(Executor.SHELL).security(JOBS_USE_ROLE).build())
                .contains("$VendingJobsImds = 'allowed'\n"));
    }

    /** The script as an instance receives it, with placeholder deploy-time values. */
    static String rendered(FleetSpec spec) {
        dev.vending.bootstrap.RenderedScript script = dev.vending.fleet.BootstrapValues.render(spec);
        // every deploy-time reference the header has, whatever the template maps it to
        Map<String, String> runtime = new LinkedHashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Za-z0-9:]+)}").matcher(script.header());
        while (m.find()) {
            runtime.put(m.group(1), "value-of-" + m.group(1));
        }
        return script.resolve(runtime);
    }
}
