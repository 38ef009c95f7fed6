package dev.vending.fleet;

import java.util.EnumMap;
import java.util.Map;

import dev.vending.bootstrap.Bootstrap;
import dev.vending.bootstrap.HostOs;
import dev.vending.bootstrap.Placeholder;
import dev.vending.bootstrap.RenderedScript;

/** What a fleet spec gives the bootstrap: its host OS and a value for each placeholder. */
public final class BootstrapValues {
    private BootstrapValues() {
    }

    public static HostOs hostOs(OperatingSystem os) {
        return os == OperatingSystem.WINDOWS ? HostOs.WINDOWS : HostOs.LINUX;
    }

    /** Generate-time values, by placeholder. */
    public static Map<Placeholder, String> of(FleetSpec spec) {
        Map<Placeholder, String> v = new EnumMap<>(Placeholder.class);
        v.put(Placeholder.FLEET_NAME, spec.name());
        v.put(Placeholder.EXECUTOR, spec.runner().executor().id());
        v.put(Placeholder.CONCURRENCY, Integer.toString(spec.runner().concurrency()));
        v.put(Placeholder.RUNNER_VERSION, spec.runner().version());
        v.put(Placeholder.ARCH, spec.arch().goName());
        v.put(Placeholder.USER_TAGS, String.join(",", spec.runner().tags()));
        // computetype-* is decided on the instance from IMDS; the rest is fixed by the spec
        v.put(Placeholder.FIXED_TAGS, String.join(",", spec.runnerTags().fixed()));
        v.put(Placeholder.DOCKER_IMAGE, spec.runner().dockerImage());
        v.put(Placeholder.DOCKER_PRIVILEGED, Boolean.toString(spec.runner().privileged()));
        v.put(Placeholder.CACHE, spec.cache() == CacheMode.S3 ? "s3" : "none");
        v.put(Placeholder.DRAIN_LIMIT, Integer.toString(spec.runner().drainSeconds()));
        v.put(Placeholder.JOBS_IMDS, spec.security().jobsUseInstanceRole() ? "allowed" : "blocked");
        return v;
    }

    public static RenderedScript render(FleetSpec spec) {
        return render(spec, Map.of());
    }

    /** As {@link #render(FleetSpec)}, with some placeholders given as Fn::Sub text of template parameters. */
    public static RenderedScript render(FleetSpec spec, Map<Placeholder, String> deployTime) {
        return Bootstrap.render(hostOs(spec.os()), of(spec), deployTime);
    }
}
