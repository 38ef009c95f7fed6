package dev.vending.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.vending.failure.BadInput;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.Purchase;
import dev.vending.fleet.Scaling;

class ElasticCostTest {
    private static final CostInputs PRICES = new CostInputs("us-east-1", null, 0.10, 0.04, 0.64, "m5.xlarge", null);

    private static ElasticCost cost(FleetSpec spec, Double busy) {
        return ElasticCost.estimate(spec, CostEstimate.estimate(spec, PRICES, PriceTable.bundled()), busy);
    }

    @Test
    void busyHoursAtMaxTheRestAtTheWindowMinimumNothingOutsideTheSchedule() {
        FleetSpec spec = FleetSpec.builder().scaling(Scaling.parse("jobs:75")).max(50).purchase(new Purchase(1, 100))
                .scheduleStart("0 8 * * 1-5").scheduleStop("0 18 * * 1-5").scheduleMin(2).build();
        ElasticCost c = cost(spec, 15.0);
        assertEquals(50, c.upHours(), 1e-9);
        assertEquals(15 * 50 + 35 * 2, c.instanceHours(), 1e-9);
        // 50 instances: 1 On-Demand base, 49 Spot; 2 instances: 1 On-Demand, 1 Spot
        double peak = 0.10 + 49 * 0.04;
        double floor = 0.10 + 0.04;
        assertEquals(peak, c.peakHourly(), 1e-9);
        assertEquals(15 * peak + 35 * floor, c.weekly(), 1e-9);
        assertEquals(50 * peak, c.fixedWeekly(), 1e-9);
        assertEquals(168 * 50 * PriceTable.bundled().linux("us-east-1", "m5.xlarge").orElseThrow().onDemand(), c.alwaysOnWeekly(), 1e-9);
        String text = c.render();
        assertTrue(text.contains("instance-hours = 15 x 50 + 35 x 2 = 820/week"), text);
        assertTrue(text.contains("fixed fleet of 50"), text);
    }

    @Test
    void withoutScheduleTheFloorIsMinAndUpIsTheWholeWeek() {
        FleetSpec spec = FleetSpec.builder().scaling(Scaling.parse("cpu:60")).min(3).runners(3).max(10).build();
        ElasticCost c = cost(spec, 40.0);
        assertEquals(168, c.upHours(), 1e-9);
        assertEquals(40 * 10 + 128 * 3, c.instanceHours(), 1e-9);
        assertEquals((40 * 10 + 128 * 3) * 0.10, c.weekly(), 1e-9);
    }

    @Test
    void busyHoursAreRequiredAndBounded() {
        FleetSpec spec = FleetSpec.builder().scaling(Scaling.parse("cpu:60")).max(10).build();
        assertEquals("--busy-hours-per-week", assertThrows(BadInput.class, () -> cost(spec, null)).option());
        assertEquals("--busy-hours-per-week", assertThrows(BadInput.class, () -> cost(spec, 169.0)).option());
        assertEquals("--busy-hours-per-week", assertThrows(BadInput.class, () -> cost(spec, -1.0)).option());
    }
}
