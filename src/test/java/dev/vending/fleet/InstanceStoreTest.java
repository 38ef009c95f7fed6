package dev.vending.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.vending.fleet.InstanceCatalog.InstanceStore;
import dev.vending.testing.CfnEvaluator.Evaluated;

/**
 * The catalogue's instance-store facts, and that the default fleets really launch such types: the bootstraps
 * put Docker's data on the store whenever the instance has one (DockerHostTest runs that part).
 */
class InstanceStoreTest {
    /** AWS names a family with local NVMe storage with a "d" after the generation and its attributes. */
    private static final Pattern WITH_STORE = Pattern.compile("[a-z]+[0-9][a-z]*d");

    @Test
    void exactlyTheDFamiliesHaveAnInstanceStore() {
        InstanceCatalog.all().forEach((name, type) -> {
            Optional<InstanceStore> store = InstanceCatalog.instanceStore(name);
            if (name.equals("c5d.8xlarge")) {
                assertTrue(store.isEmpty(), "AWS has no c5d.8xlarge (the size after 4xlarge is 9xlarge): nothing is claimed for it");
                return;
            }
            assertEquals(WITH_STORE.matcher(type.family()).matches(), store.isPresent(), name);
            store.ifPresent(s -> assertTrue(s.disks() >= 1 && s.gbPerDisk() >= 50, name + ": " + s));
        });
        assertEquals(Optional.of(new InstanceStore(1, 118)), InstanceCatalog.instanceStore("m7gd.large"));
        assertEquals(Optional.of(new InstanceStore(1, 118)), InstanceCatalog.instanceStore("m6gd.large"));
        assertEquals(Optional.of(new InstanceStore(2, 300)), InstanceCatalog.instanceStore("m5d.4xlarge"), "two disks: RAID 0");
        assertEquals(Optional.empty(), InstanceCatalog.instanceStore("m7g.large"));
    }

    @Test
    void theDefaultGravitonSpotFleetsLaunchTypesWithAnInstanceStore() {
        FleetSpec runners = FleetSpec.builder().arch(Arch.ARM64).purchase(Purchase.allSpot()).build();
        FleetSpec autoscaler = AutoscalerFleetTemplateTest.spotArm(20).build();
        for (Map.Entry<FleetSpec, String> fleet : Map.of(runners, FleetTemplate.ASG, autoscaler, FleetTemplate.WORKER_ASG).entrySet()) {
            Evaluated e = AutoscalerFleetTemplateTest.evaluate(fleet.getKey());
            List<String> launched = overrides(AutoscalerFleetTemplateTest.props(e, fleet.getValue()));
            List<String> withStore = launched.stream().filter(t -> InstanceCatalog.instanceStore(t).isPresent()).toList();
            assertEquals(List.of("m7gd.large", "m6gd.large"), withStore, fleet.getValue() + " launches " + launched);
        }
        // the x86 Spot defaults are EBS-only: Docker stays on the root volume there (docs/lifecycle.md says so)
        assertTrue(InstanceCatalog.defaults(Arch.X86_64, true).stream().allMatch(t -> InstanceCatalog.instanceStore(t).isEmpty()));
    }

    private static List<String> overrides(Map<String, Object> asg) {
        Map<?, ?> lt = (Map<?, ?>) ((Map<?, ?>) asg.get("MixedInstancesPolicy")).get("LaunchTemplate");
        return ((List<?>) lt.get("Overrides")).stream().map(o -> (String) ((Map<?, ?>) o).get("InstanceType")).toList();
    }
}
