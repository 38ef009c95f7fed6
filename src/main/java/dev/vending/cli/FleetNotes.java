package dev.vending.cli;

import java.io.PrintWriter;

import dev.vending.cost.CostEstimate;
import dev.vending.fleet.FleetSpec;

/** Advice printed to stderr when a fleet is generated or deployed: tagging caveats and the cost estimate. */
final class FleetNotes {
    private FleetNotes() {
    }

    static void print(FleetSpec spec, String region, PrintWriter err) {
        if (spec.security().jobsUseInstanceRole()) {
            err.println(dev.vending.fleet.SecuritySettings.JOBS_USE_ROLE_WARNING);
        } else if (spec.os() == dev.vending.fleet.OperatingSystem.WINDOWS) {
            err.println(dev.vending.fleet.SecuritySettings.WINDOWS_TOKEN_WARNING);
        }
        if (spec.purchase().mixed()) {
            err.println("note: this fleet mixes Spot and On-Demand instances. With a runner authentication token (glrt-...) "
                    + "tags live in GitLab, so its runners cannot be told apart by computetype-* tags; deploy one fleet per "
                    + "purchase option, each with its own runner, to route jobs (see docs/lifecycle.md).");
        }
        err.println(CostEstimate.line(spec, region));
    }
}
