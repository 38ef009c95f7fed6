package dev.vending.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.vending.failure.BadInput;
import dev.vending.fleet.Arch;
import dev.vending.fleet.Executor;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.OperatingSystem;
import dev.vending.fleet.Purchase;

/** The docker-autoscaler week: the manager always on, workers at --max in busy hours, the warm ones otherwise. */
class AutoscalerCostTest {
    final PriceTable table = PriceTable.bundled();

    FleetSpec.Builder fleet() {
        return FleetSpec.builder().executor(Executor.DOCKER_AUTOSCALER).purchase(Purchase.allSpot()).arch(Arch.ARM64).max(100)
                .instanceTypes(java.util.List.of("m7g.large"));
    }

    @Test
    void managerAllWeekWorkersAtMaxWhenBusyAndTheWarmOnesInTheScheduledHours() {
        FleetSpec spec = fleet().concurrency(2).maxUseCount(2).idleCount(3)
                .scheduleStart("0 8 * * 1-5").scheduleStop("0 18 * * 1-5").build();
        AutoscalerCost c = AutoscalerCost.estimate(spec, CostInputs.defaults(), table, 20.0);
        PriceTable.Price worker = table.find("us-east-1", "m7g.large", OperatingSystem.LINUX).orElseThrow();
        PriceTable.Price manager = table.find("us-east-1", "t4g.small", OperatingSystem.LINUX).orElseThrow();
        assertEquals("t4g.small", c.managerType());
        assertEquals(manager.onDemand() * 168, c.managerWeekly(), 1e-9, "one On-Demand manager, 168 h");
        assertEquals(2, c.warm(), "3 idle slots at 2 jobs per worker: 2 workers");
        assertEquals(50, c.warmHours(), 1e-9, "Mon-Fri 08-18");
        double expected = manager.onDemand() * 168 + 20 * 100 * worker.spot() + (50 - 20) * 2 * worker.spot();
        assertEquals(expected, c.weekly(), 1e-9);
        assertTrue(c.weekly() < c.alwaysOnWeekly());
    }

    @Test
    void withoutBusyHoursOnlyTheManagerAndTheWarmWorkersCost() {
        AutoscalerCost c = AutoscalerCost.estimate(fleet().build(), CostInputs.defaults(), table, null);
        assertEquals(0, c.warm());
        assertEquals(c.managerWeekly(), c.weekly(), 1e-9, "scaled to zero: the manager alone");
        assertEquals("--hours-per-week", assertThrows(BadInput.class, () -> AutoscalerCost.estimate(fleet().build(),
                new CostInputs("us-east-1", 40.0, null, null, 0.64, "m5.xlarge", null), table, null)).option());
        assertEquals("--busy-hours-per-week", assertThrows(BadInput.class,
                () -> AutoscalerCost.estimate(fleet().build(), CostInputs.defaults(), table, 169.0)).option());
        assertTrue(CostEstimate.line(fleet().build()).startsWith("estimated cost: manager $"), CostEstimate.line(fleet().build()));
    }
}
