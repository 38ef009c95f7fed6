package dev.vending.fleet;

import java.util.ArrayList;
import java.util.List;

/**
 * The tags a fleet's runners register with, in .gitlab-ci.yml order: {@code computetype-*} (Spot
 * or On-Demand, which each instance learns at boot), the tags fixed by the spec ({@code os-*},
 * {@code arch-*}, {@code glexecutor-*}), then the user's.
 *
 * @param fixed the os-, arch- and glexecutor- tags
 * @param user  the user's extra tags
 */
public record RunnerTags(List<String> fixed, List<String> user) {
    public static final String SPOT = "computetype-spot";
    public static final String ON_DEMAND = "computetype-ondemand";

    public RunnerTags {
        fixed = List.copyOf(fixed);
        user = List.copyOf(user);
    }

    static RunnerTags of(FleetSpec spec) {
        return new RunnerTags(fixed(spec.os(), spec.arch(), spec.runner().executor().id()), spec.runner().tags());
    }

    /**
     * The spec's fixed tags with the executor given as text: its id, or a Fn::Sub reference in
     * the full template, where the executor is a parameter.
     */
    static List<String> fixed(OperatingSystem os, Arch arch, String executor) {
        return List.of("os-" + os.id(), "arch-" + arch.awsName(), "glexecutor-" + executor);
    }

    /** The tags of a runner on a Spot ({@code spot}) or an On-Demand instance. */
    public List<String> onInstance(boolean spot) {
        List<String> tags = new ArrayList<>();
        tags.add(spot ? SPOT : ON_DEMAND);
        tags.addAll(fixed);
        for (String t : user) {
            if (!tags.contains(t)) {
                tags.add(t);
            }
        }
        return tags;
    }

    /** Every tag some runner of a fleet bought this way has: what a job may ask for. */
    public List<String> anyInstance(Purchase purchase) {
        List<String> tags = new ArrayList<>();
        if (purchase.usesSpot()) {
            tags.addAll(onInstance(true));
        }
        if (!purchase.allSpotOnly()) {
            for (String tag : onInstance(false)) {
                if (!tags.contains(tag)) {
                    tags.add(tag);
                }
            }
        }
        return tags;
    }
}
