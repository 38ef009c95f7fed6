package dev.vending.easybuttons;

import java.util.List;
import java.util.Map;

import dev.vending.fleet.Arch;
import dev.vending.fleet.Executor;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.FleetTemplate;
import dev.vending.fleet.OperatingSystem;
import dev.vending.fleet.Purchase;
import dev.vending.fleet.Scaling;

/**
 * The easy buttons: every row of the old vending machine's table, modernised (Amazon Linux 2023,
 * Windows Server 2022, current Graviton and x86 generations, the catalogue's default type lists).
 * The old "CPU autoscaling" rows map to elastic fleets: job-slot tracking on Linux (its watcher publishes
 * the metric), CPU tracking on Windows (its watcher does not).
 */
public final class Scenarios {
    /** Monday to Friday, 08:00 to 18:00 (UTC: a Quick Create form cannot change the template's time zone). */
    public static final String BUSINESS_START = "0 8 * * 1-5";
    public static final String BUSINESS_STOP = "0 18 * * 1-5";

    private Scenarios() {
    }

    public static List<Scenario> all() {
        return List.of(
                scenario("linux-x86-ondemand", "Linux x86_64 docker, On-Demand",
                        linux(Arch.X86_64, Purchase.allOnDemand(), 1), Map.of(),
                        "docker, manual scaling + schedule, on-demand, Linux x86_64"),
                scenario("linux-x86-spot", "Linux x86_64 docker, Spot",
                        linux(Arch.X86_64, Purchase.allSpot(), 2), Map.of(),
                        "docker, manual scaling + schedule, spot, Linux x86_64"),
                scenario("linux-x86-mixed", "Linux x86_64 docker, 1 On-Demand base + 50% Spot",
                        linux(Arch.X86_64, new Purchase(1, 50), 4), Map.of(),
                        "(new: the mix at a fixed size)"),
                scenario("linux-x86-ondemand-elastic", "Linux x86_64 docker, On-Demand, elastic 1-10 on job slots",
                        elastic(linux(Arch.X86_64, Purchase.allOnDemand(), 1), JOBS, 10), Map.of(),
                        "docker CPU autoscaling on-demand, Linux x86_64"),
                scenario("linux-x86-spot-elastic", "Linux x86_64 docker, Spot, elastic 1-20 on job slots",
                        elastic(linux(Arch.X86_64, Purchase.allSpot(), 1), JOBS, 20), Map.of(),
                        "docker CPU autoscaling spot, Linux x86_64"),
                scenario("linux-x86-mixed-elastic", "Linux x86_64 docker, 1 On-Demand base + 50% Spot, elastic 1-20 on job slots",
                        elastic(linux(Arch.X86_64, new Purchase(1, 50), 1), JOBS, 20), Map.of(),
                        "docker CPU autoscaling 50-50 mix, Linux x86_64"),
                scenario("linux-x86-ondemand-weekdays", "Linux x86_64 docker, On-Demand, Mon-Fri 08:00-18:00 UTC",
                        weekdays(linux(Arch.X86_64, Purchase.allOnDemand(), 1)), Map.of(),
                        "docker, manual scaling + schedule, on-demand, Linux x86_64 (with its schedule set)"),
                scenario("linux-arm64-ondemand", "Linux arm64 (Graviton) docker, On-Demand",
                        linux(Arch.ARM64, Purchase.allOnDemand(), 1), Map.of(),
                        "docker, manual scaling + schedule, on-demand, Linux arm64 (a1.large is now m7g.large)"),
                scenario("linux-arm64-spot-100", "100 Graviton Spot runners (Linux arm64 docker, Spot)",
                        linux(Arch.ARM64, Purchase.allSpot(), 100), Map.of(FleetTemplate.P_RUNNER_COUNT, "100"),
                        "docker, manual scaling + schedule, spot, Linux arm64 (\"100 Graviton spot runners\")"),
                scenario("linux-arm64-spot-weekdays", "Linux arm64 (Graviton) docker, Spot, Mon-Fri 08:00-18:00 UTC (the blog's 97%)",
                        weekdays(linux(Arch.ARM64, Purchase.allSpot(), 2)), Map.of(),
                        "docker, manual scaling + schedule, spot, Linux arm64 (with its schedule set)"),
                scenario("windows-ondemand", "Windows Server 2022 shell, On-Demand",
                        windows(Purchase.allOnDemand(), 1), Map.of(),
                        "shell, manual scaling + schedule, on-demand, Windows 2019"),
                scenario("windows-spot", "Windows Server 2022 shell, Spot",
                        windows(Purchase.allSpot(), 2), Map.of(),
                        "shell, manual scaling + schedule, spot, Windows 2019"),
                scenario("windows-mixed", "Windows Server 2022 shell, 1 On-Demand base + 50% Spot",
                        windows(new Purchase(1, 50), 4), Map.of(),
                        "(new: the mix at a fixed size)"),
                scenario("windows-ondemand-elastic", "Windows Server 2022 shell, On-Demand, elastic 1-10 on CPU",
                        elastic(windows(Purchase.allOnDemand(), 1), CPU, 10), Map.of(),
                        "shell CPU autoscaling on-demand, Windows 2019"),
                scenario("windows-spot-elastic", "Windows Server 2022 shell, Spot, elastic 1-10 on CPU",
                        elastic(windows(Purchase.allSpot(), 1), CPU, 10), Map.of(),
                        "shell CPU autoscaling spot, Windows 2019"),
                scenario("windows-mixed-elastic", "Windows Server 2022 shell, 1 On-Demand base + 50% Spot, elastic 1-10 on CPU",
                        elastic(windows(new Purchase(1, 50), 1), CPU, 10), Map.of(),
                        "shell CPU autoscaling mix, Windows 2019"),
                scenario("windows-ondemand-weekdays", "Windows Server 2022 shell, On-Demand, Mon-Fri 08:00-18:00 UTC",
                        weekdays(windows(Purchase.allOnDemand(), 1)), Map.of(),
                        "shell, manual scaling + schedule, on-demand, Windows 2019 (with its schedule set)"));
    }

    private static Scenario scenario(String id, String title, FleetSpec.Builder fleet, Map<String, String> prefill, String replaces) {
        return new Scenario(id, title, fleet.name(id).build(), prefill, replaces);
    }

    private static FleetSpec.Builder linux(Arch arch, Purchase purchase, int runners) {
        return FleetSpec.builder().os(OperatingSystem.LINUX).arch(arch).executor(Executor.DOCKER)
                .purchase(purchase).runners(runners);
    }

    private static FleetSpec.Builder windows(Purchase purchase, int runners) {
        return FleetSpec.builder().os(OperatingSystem.WINDOWS).arch(Arch.X86_64).executor(Executor.SHELL)
                .purchase(purchase).runners(runners);
    }

    /** Job slots at 75% where the watcher publishes them (Linux), CPU at 60% where it cannot (Windows). */
    private static final Scaling JOBS = new Scaling(Scaling.Metric.JOBS, 75);
    private static final Scaling CPU = new Scaling(Scaling.Metric.CPU, 60);

    private static FleetSpec.Builder elastic(FleetSpec.Builder b, Scaling scaling, int max) {
        return b.scaling(scaling).min(1).max(max);
    }

    private static FleetSpec.Builder weekdays(FleetSpec.Builder b) {
        return b.scheduleStart(BUSINESS_START).scheduleStop(BUSINESS_STOP).timeZone("UTC");
    }
}
