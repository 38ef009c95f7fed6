package dev.vending.bootstrap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vending.fleet.Arch;
import dev.vending.fleet.CacheMode;
import dev.vending.fleet.Executor;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.OperatingSystem;
import dev.vending.fleet.SecuritySettings;

/** Every fleet shape the bootstrap must render, and deploy-time values as CloudFormation would fill them. */
final class Scripts {
    static final String TOKEN_PARAMETER = "/vending/test-fleet/runner-token";

    private Scripts() {
    }

    static List<FleetSpec> allShapes() {
        List<FleetSpec> specs = new ArrayList<>();
        for (CacheMode cache : CacheMode.values()) {
            for (Arch arch : Arch.values()) {
                for (Executor executor : Executor.values()) {
                    specs.add(base().os(OperatingSystem.LINUX).arch(arch).executor(executor).cache(cache).build());
                }
            }
            // a Windows S3 cache needs jobs on the instance role (docs/security.md)
            specs.add(base().os(OperatingSystem.WINDOWS).arch(Arch.X86_64).executor(Executor.SHELL).cache(cache)
                    .security(cache == CacheMode.S3 ? new SecuritySettings(true, true, null, null) : SecuritySettings.DEFAULT).build());
        }
        for (Executor executor : Executor.values()) {
            specs.add(base().os(OperatingSystem.LINUX).executor(executor).security(new SecuritySettings(true, true, null, null)).build());
        }
        return specs;
    }

    private static FleetSpec.Builder base() {
        return FleetSpec.builder().name("test-fleet-with-a-long-name").concurrency(16).runnerVersion("17.5.2")
                .tags(List.of("team-platform", "build.large", "k8s:deploy")).privileged(true)
                .gitlabUrl("https://gitlab.example.com");
    }

    static String describe(FleetSpec s) {
        return s.os().id() + "/" + s.arch().awsName() + "/" + s.runner().executor().id() + "/cache-" + s.cache().name().toLowerCase()
                + (s.security().jobsUseInstanceRole() ? "/jobs-use-instance-role" : "");
    }

    /** Deploy-time values, long ones, as Fn::Sub would fill them. */
    static Map<String, String> runtime(FleetSpec spec) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("GitLabUrl", "https://gitlab.example.com");
        v.put("TokenSource", "ssm:" + TOKEN_PARAMETER);
        v.put("AsgName", spec.name() + "-runners");
        v.put("LaunchHookName", Bootstrap.LAUNCH_HOOK);
        v.put("TerminateHookName", Bootstrap.TERMINATE_HOOK);
        v.put("SignalResource", "RunnerGroup");
        v.put("CacheBucket", spec.cache() == CacheMode.S3 ? spec.name() + "-cache-123456789012-eu-central-1" : "");
        v.put("LogGroup", "/vending/" + spec.name());
        if (spec.os() == OperatingSystem.LINUX) {
            v.put("MetricNamespace", "Vending/Runners");
            v.put("ProtectBusy", "yes");
        }
        v.put("AWS::Region", "ap-southeast-2");
        v.put("AWS::StackName", spec.name());
        return v;
    }
}
