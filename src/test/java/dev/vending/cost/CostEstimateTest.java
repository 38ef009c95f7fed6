package dev.vending.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vending.cli.Main;
import dev.vending.failure.BadInput;
import dev.vending.fleet.Arch;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.OperatingSystem;
import dev.vending.fleet.Purchase;

class CostEstimateTest {
    private static final double CENT = 0.005;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    static CostReport estimate(FleetSpec spec, Double hours) {
        CostInputs d = CostInputs.defaults();
        return CostEstimate.estimate(spec, new CostInputs(d.region(), hours, null, null, d.armFactor(), d.baselineType(), null),
                PriceTable.bundled());
    }

    /** Per instance-hour besides the instance: a public IPv4 address and a 40 GiB gp3 root volume in us-east-1. */
    static final double EXTRA_40_GIB = 0.005 + 40 * 0.08 / 730;

    @Test
    void blogBaselineIsAnAlwaysOnM5XlargeAt32DollarsAWeekPlusItsAddressAndVolume() {
        FleetSpec spec = FleetSpec.builder().arch(Arch.X86_64).instanceTypes(List.of("m5.xlarge")).build();
        CostReport r = estimate(spec, null);
        // the blog's $32.26 is the instance alone; the bill adds its public IPv4 address and its volume
        assertEquals(32.256, r.baselinePrice() * 168, 1e-9);
        assertEquals((0.192 + EXTRA_40_GIB) * 168, r.baselineWeekly(), 1e-9);
        assertEquals(33.83, r.baselineWeekly(), CENT);
        assertEquals(r.baselineWeekly() * 52, r.baselineYearly(), 1e-9);
        assertEquals(r.baselineWeekly(), r.weekly(), 1e-9);
        assertEquals(0, r.savingsPercent(), 1e-9);
    }

    @Test
    void blogOptimisedRunnerIsAboutOneDollarAWeekAnd97PercentSaved() {
        FleetSpec spec = FleetSpec.builder().arch(Arch.ARM64).instanceTypes(List.of("m6g.large")).purchase(Purchase.allSpot()).build();
        CostReport r = estimate(spec, 40.0);
        assertEquals((0.0419 + EXTRA_40_GIB) * 40 * 0.64, r.weekly(), 1e-9);
        assertEquals(1.31, r.weekly(), CENT);
        assertEquals((0.0419 + EXTRA_40_GIB) * 40, r.billedWeekly(), 1e-9);
        assertEquals(96, Math.round(r.savingsPercent()));
        // the steps add up to the whole saving
        assertEquals(r.savedWeekly(), r.savedBySchedule() + r.savedByType() + r.savedByArm() + r.savedBySpot(), 1e-9);
        // scheduling 40 of 168 hours saves 76%, as the blog says
        assertEquals(76, Math.round(r.savedBySchedule() / r.baselineWeekly() * 100));
    }

    @Test
    void jsonHasNumbersForTheBlogScenario() throws Exception {
        Run r = run("cost", "--arch", "arm64", "--instance-types", "m6g.large", "--spot", "--hours-per-week", "40", "--output", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        for (String f : List.of("weeklyUsd", "yearlyUsd", "baselineWeeklyUsd", "savingsPercent", "billedWeeklyUsd", "onDemandWeeklyUsd")) {
            assertTrue(j.get(f).isNumber(), f + " is not a number: " + j.get(f));
        }
        assertEquals(1.31, j.get("weeklyUsd").asDouble(), 1e-9);
        assertEquals(33.83, j.get("baselineWeeklyUsd").asDouble(), 1e-9);
        assertEquals(96.1, j.get("savingsPercent").asDouble(), 1e-9);
        assertEquals(0.005, j.get("publicIpv4PerHour").asDouble(), 1e-9);
        assertEquals(40, j.get("volumeGiB").asInt());
        // the price table's date and source are in the output, not a doubt on every run
        assertEquals(PriceTable.bundled().date(), j.get("priceDate").asText());
        assertTrue(j.get("priceSource").asText().startsWith("AWS EC2 On-Demand pricing page"), j.get("priceSource").asText());
        assertTrue(j.get("savings").get("spotWeeklyUsd").isNumber());
    }

    @Test
    void textNamesThePriceSourceAndDate() {
        Run r = run("cost", "--arch", "x86_64", "--instance-types", "m5.xlarge");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("$33.83"), r.out());
        assertTrue(r.out().contains("baseline: 1 always-on m5.xlarge"), r.out());
        assertTrue(r.out().contains(PriceTable.bundled().date()), r.out());
        assertTrue(r.out().contains("AWS EC2 On-Demand pricing page"), r.out());
    }

    @Test
    void hoursComeFromTheSchedule() {
        FleetSpec spec = FleetSpec.builder().purchase(Purchase.allSpot()).runners(3)
                .scheduleStart("0 8 * * 1-5").scheduleStop("0 18 * * 1-5").build();
        CostReport r = estimate(spec, null);
        assertEquals(50, r.hoursPerWeek(), 1e-9);
        assertEquals("schedule", r.hoursFrom());
        assertEquals(3, r.instances());
    }

    @Test
    void mixedFleetPaysOnDemandForTheBaseAndTheOnDemandShare() {
        FleetSpec spec = FleetSpec.builder().arch(Arch.X86_64).instanceTypes(List.of("m5.large")).runners(5)
                .purchase(new Purchase(1, 50)).build();
        CostReport r = estimate(spec, 10.0);
        assertEquals(2, r.spotInstances(), 1e-9);
        PriceTable.Price p = PriceTable.bundled().linux("us-east-1", "m5.large").orElseThrow();
        assertEquals((3 * p.onDemand() + 2 * p.spot() + 5 * EXTRA_40_GIB) * 10, r.billedWeekly(), 1e-9);
    }

    @Test
    void windowsAddsTheLicencePerVcpu() {
        FleetSpec spec = FleetSpec.builder().os(OperatingSystem.WINDOWS).executor(dev.vending.fleet.Executor.SHELL)
                .instanceTypes(List.of("m5.large")).build();
        CostReport r = estimate(spec, null);
        assertEquals(0.096 + 2 * 0.046, r.onDemandPrice(), 1e-9);
    }

    @Test
    void unknownTypeAsksForPrices() {
        Run r = run("cost", "--instance-types", "m6g.4xlarge", "--spot");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--price USD") && r.err().contains("--spot-price USD"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        Run given = run("cost", "--instance-types", "m6g.4xlarge", "--spot", "--price", "0.616", "--spot-price", "0.25", "--output", "json");
        assertEquals(0, given.code(), given.err());
    }

    @Test
    void badInputsExitTwoWithOneLine() {
        for (String[] args : List.of(
                new String[] {"cost", "--region", "ap-south-1"},
                new String[] {"cost", "--hours-per-week", "200"},
                new String[] {"cost", "--arm-factor", "0"},
                new String[] {"cost", "--baseline-type", "m6g.large"},
                new String[] {"cost", "--output", "xml"},
                new String[] {"cost", "--live-prices", "--spot-price", "0.1"},
                new String[] {"cost", "--schedule-start", "0 8 1 * *", "--schedule-stop", "0 18 * * 1-5"})) {
            Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void underivableScheduleNamesHoursPerWeek() {
        Run r = run("cost", "--schedule-start", "0 8 * * 1-5", "--schedule-stop", "0 18 1-15 * *");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--schedule-stop") && r.err().contains("--hours-per-week"), r.err());
        Run ok = run("cost", "--schedule-start", "0 8 * * 1-5", "--schedule-stop", "0 18 1-15 * *", "--hours-per-week", "45");
        assertEquals(0, ok.code(), ok.err());
    }

    @Test
    void oneLineEstimate() {
        FleetSpec spec = FleetSpec.builder().arch(Arch.ARM64).instanceTypes(List.of("m6g.large")).purchase(Purchase.allSpot())
                .scheduleStart("0 8 * * 1-5").scheduleStop("0 16 * * 1-5").build();
        String line = CostEstimate.line(spec);
        assertTrue(line.startsWith("estimated cost: $2.05/week (40 h/week, us-east-1), "), line);
        assertTrue(line.contains("96% below 1 always-on m5.xlarge"), line);
        assertTrue(CostEstimate.line(FleetSpec.builder().runners(100).purchase(Purchase.allSpot()).build())
                .contains(" below 100 always-on m5.xlarge"), "the baseline is one always-on m5.xlarge per runner");
        assertTrue(!line.contains("\n"));
        FleetSpec big = FleetSpec.builder().arch(Arch.X86_64).instanceTypes(List.of("m5.2xlarge")).build();
        assertTrue(CostEstimate.line(big).startsWith("estimated cost: not available"), CostEstimate.line(big));
        assertThrows(BadInput.class, () -> estimate(big, null));
    }

    @Test
    void eachInstancePaysItsPublicIpv4AddressAndItsVolume() {
        FleetSpec spec = FleetSpec.builder().arch(Arch.X86_64).instanceTypes(List.of("m5.large")).runners(10).volumeSize(100).build();
        CostInputs d = CostInputs.defaults();
        CostReport withIp = CostEstimate.estimate(spec, d, PriceTable.bundled());
        CostReport privateSubnets = CostEstimate.estimate(spec, d.withPublicIpv4(false), PriceTable.bundled());
        // $0.005 per address-hour since 2024-02-01
        assertEquals(10 * 0.005 * 168, withIp.billedWeekly() - privateSubnets.billedWeekly(), 1e-9);
        double od = PriceTable.bundled().linux("us-east-1", "m5.large").orElseThrow().onDemand();
        assertEquals(10 * (od + 100 * 0.08 / 730) * 168, privateSubnets.billedWeekly(), 1e-9);
        CostReport frankfurt = CostEstimate.estimate(spec, d.withRegion("eu-central-1").withPublicIpv4(false), PriceTable.bundled());
        assertEquals(100 * 0.0952 / 730, frankfurt.volumePerHour(), 1e-9, "gp3 is priced per region");
    }
}
