package dev.vending.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.vending.failure.BadInput;

class FleetSpecTest {

    private static String optionOf(Runnable r) {
        return assertThrows(BadInput.class, r::run).option();
    }

    @Test
    void defaultsAreOneGravitonOnDemandDockerRunnerWithCache() {
        FleetSpec s = FleetSpec.builder().build();
        assertEquals(new Capacity(1, 0, 2), s.capacity());
        assertEquals(Arch.ARM64, s.arch());
        assertEquals(OperatingSystem.LINUX, s.os());
        assertTrue(s.purchase().allOnDemandOnly());
        assertEquals(List.of("m7g.large"), s.instanceTypes());
        assertEquals(Executor.DOCKER, s.runner().executor());
        assertEquals("https://gitlab.com", s.runner().gitlabUrl());
        assertEquals(CacheMode.S3, s.cache());
        assertEquals(40, s.volumeSizeGiB());
        assertNull(s.schedule());
    }

    @Test
    void spotGetsAtLeastThreeDiversifiedTypesOfTheRightArch() {
        for (Arch arch : Arch.values()) {
            FleetSpec s = FleetSpec.builder().arch(arch).purchase(Purchase.allSpot()).build();
            assertTrue(s.instanceTypes().size() >= 3, s.instanceTypes().toString());
            for (String t : s.instanceTypes()) {
                InstanceType type = InstanceCatalog.find(t).orElseThrow();
                assertEquals(arch, type.arch(), t);
                assertTrue(type.currentGeneration(), t);
            }
            assertTrue(s.instanceTypes().stream().map(t -> InstanceCatalog.find(t).orElseThrow().family()).distinct().count() >= 3);
        }
    }

    @Test
    void maxLeavesRoomForARollingBatch() {
        FleetSpec s = FleetSpec.builder().runners(100).build();
        assertEquals(new Capacity(100, 0, 125), s.capacity());
        assertEquals(25, Capacity.rollingBatch(100));
        assertEquals(1, Capacity.rollingBatch(1));
    }

    @Test
    void scheduleRaisesMaxToThePeak() {
        FleetSpec s = FleetSpec.builder().runners(2).scheduleStart("0 8 * * 1-5").scheduleStop("0 18 * * MON-FRI")
                .timeZone("Europe/Berlin").scheduleRunners(8).build();
        assertEquals(8, s.schedule().runnersWhenStarted());
        assertEquals(10, s.capacity().max());
        assertEquals("Europe/Berlin", s.schedule().timeZone());
    }

    @Test
    void windowsDefaultsToX86ShellLargerDisk() {
        FleetSpec s = FleetSpec.builder().os(OperatingSystem.WINDOWS).build();
        assertEquals(Arch.X86_64, s.arch());
        assertEquals(Executor.SHELL, s.runner().executor());
        assertEquals(100, s.volumeSizeGiB());
        FleetSpec linux = FleetSpec.builder().build();
        assertEquals(Arch.ARM64, linux.arch());
        assertEquals(Executor.DOCKER, linux.runner().executor());
        assertEquals(40, linux.volumeSizeGiB());
    }

    @Test
    void purchaseFlagsGiveOneSplit() {
        assertEquals(Purchase.allOnDemand(), Purchase.fromFlags(false, false, null, null));
        assertEquals(Purchase.allOnDemand(), Purchase.fromFlags(false, true, null, null));
        assertEquals(Purchase.allSpot(), Purchase.fromFlags(true, false, null, null));
        assertEquals(Purchase.allSpot(), Purchase.fromFlags(true, false, 100, 0));
        assertEquals(new Purchase(0, 70), Purchase.fromFlags(false, false, 70, null));
        assertEquals(new Purchase(2, 100), Purchase.fromFlags(false, false, null, 2));
        assertEquals(new Purchase(2, 0), Purchase.fromFlags(false, true, null, 2));
        assertEquals("--spot", optionOf(() -> Purchase.fromFlags(true, true, null, null)));
        assertEquals("--spot", optionOf(() -> Purchase.fromFlags(true, false, 50, null)));
        assertEquals("--spot", optionOf(() -> Purchase.fromFlags(true, false, null, 1)));
        assertEquals("--on-demand", optionOf(() -> Purchase.fromFlags(false, true, 50, null)));
    }

    @Test
    void runnerTagsStartWithComputedOnesThenTheUsers() {
        FleetSpec s = FleetSpec.builder().tags(List.of("big", "os-linux", "big")).build();
        assertEquals(List.of("computetype-spot", "os-linux", "arch-arm64", "glexecutor-docker", "big"), s.runnerTags().onInstance(true));
        assertEquals("computetype-ondemand", s.runnerTags().onInstance(false).get(0));
    }

    @Test
    void aliasesAreAccepted() {
        assertEquals(Arch.ARM64, Arch.parse("aarch64"));
        assertEquals(Arch.X86_64, Arch.parse("AMD64"));
        assertEquals(OperatingSystem.WINDOWS, OperatingSystem.parse("Windows"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--arch|arm",
            "--os|macos",
            "--executor|kubernetes",
            "--cache|efs"})
    void unknownEnumValuesNameTheirFlag(String option, String value) {
        assertEquals(option, optionOf(() -> {
            switch (option) {
                case "--arch" -> Arch.parse(value);
                case "--os" -> OperatingSystem.parse(value);
                case "--executor" -> Executor.parse(value);
                default -> CacheMode.parse(value);
            }
        }));
    }

    @Test
    void invalidCombinationsNameTheFlagToFix() {
        assertEquals("--runners", optionOf(() -> FleetSpec.builder().runners(10).max(5).build()));
        assertEquals("--runners", optionOf(() -> FleetSpec.builder().runners(-1).build()));
        assertEquals("--min", optionOf(() -> FleetSpec.builder().runners(3).min(4).max(3).build()));
        assertEquals("--max", optionOf(() -> FleetSpec.builder().runners(3).max(3).build()));
        assertEquals("--max", optionOf(() -> FleetSpec.builder().max(Capacity.MAX_LIMIT + 1).build()));
        assertEquals("--arch", optionOf(() -> FleetSpec.builder().os(OperatingSystem.WINDOWS).arch(Arch.ARM64).build()));
        assertEquals("--executor", optionOf(() -> FleetSpec.builder().os(OperatingSystem.WINDOWS).executor(Executor.DOCKER).build()));
        assertEquals("--instance-types", optionOf(() -> FleetSpec.builder().arch(Arch.ARM64).instanceTypes(List.of("m5.large")).build()));
        assertEquals("--instance-types", optionOf(() -> FleetSpec.builder().instanceTypes(List.of("z9.huge")).build()));
        assertEquals("--instance-types", optionOf(() -> FleetSpec.builder().instanceTypes(List.of("not a type")).build()));
        assertEquals("--schedule-start", optionOf(() -> FleetSpec.builder().scheduleStart("0 25 * * *").scheduleStop("0 1 * * *").build()));
        assertEquals("--schedule-stop", optionOf(() -> FleetSpec.builder().scheduleStart("0 8 * * *").build()));
        assertEquals("--timezone", optionOf(() -> FleetSpec.builder().scheduleStart("0 8 * * *").scheduleStop("0 9 * * *")
                .timeZone("Mars/Olympus").build()));
        assertEquals("--timezone", optionOf(() -> FleetSpec.builder().timeZone("Europe/Nowhere").build()));
        assertEquals("--gitlab-url", optionOf(() -> FleetSpec.builder().gitlabUrl("ftp://gitlab.com").build()));
        assertEquals("--gitlab-url", optionOf(() -> FleetSpec.builder().gitlabUrl("https://x.com/'; rm -rf /").build()));
        assertEquals("--spot-percent", optionOf(() -> new Purchase(0, 101)));
        assertEquals("--on-demand-base", optionOf(() -> FleetSpec.builder().purchase(new Purchase(5, 50)).runners(2).build()));
        assertEquals("--concurrency", optionOf(() -> FleetSpec.builder().concurrency(0).build()));
        assertEquals("--runner-tags", optionOf(() -> FleetSpec.builder().tags(List.of("a b")).build()));
        assertEquals("--runner-version", optionOf(() -> FleetSpec.builder().runnerVersion("17.x").build()));
        assertEquals("--name", optionOf(() -> FleetSpec.builder().name("9lives").build()));
        assertEquals("--volume-size", optionOf(() -> FleetSpec.builder().volumeSize(2).build()));
        assertEquals("--schedule-runners", optionOf(() -> FleetSpec.builder().scheduleRunners(3).build()));
    }

    @Test
    void drainTimeoutTakesSecondsMinutesOrHours() {
        assertEquals(7200, FleetSpec.builder().build().runner().drainSeconds());
        assertEquals(600, RunnerSettings.parseDuration("600"));
        assertEquals(90, RunnerSettings.parseDuration("90s"));
        assertEquals(2700, RunnerSettings.parseDuration("45m"));
        assertEquals(16 * 3600, RunnerSettings.parseDuration("16h"));
        assertEquals("--drain-timeout", optionOf(() -> RunnerSettings.parseDuration("2 hours")));
        assertEquals("--drain-timeout", optionOf(() -> FleetSpec.builder().drainSeconds(30).build()));
        assertEquals("--drain-timeout", optionOf(() -> FleetSpec.builder().drainSeconds(17 * 3600).build()));
    }

    @Test
    void unknownTypesPassOnlyWithTheOverride() {
        FleetSpec s = FleetSpec.builder().instanceTypes(List.of("m9g.large")).allowUnknownInstanceTypes(true).build();
        assertEquals(List.of("m9g.large"), s.instanceTypes());
    }

    @Test
    void cronKnowsWhenInTheWeekItFires() {
        int monday8 = (24 + 8) * 60;
        assertEquals(new java.util.TreeSet<>(List.of(monday8, monday8 + 15, monday8 + 30, monday8 + 45)),
                CronExpression.parse("--schedule-start", "*/15 8 * * 1").minutesOfWeek());
        // 7 and 0 are both Sunday; a step from a single value runs to the end of the field
        assertEquals(List.of(0, 2 * 24 * 60, 4 * 24 * 60, 6 * 24 * 60),
                List.copyOf(CronExpression.parse("--schedule-start", "0 0 * * 0/2").minutesOfWeek()));
        assertEquals(List.of(0, 6 * 24 * 60), List.copyOf(CronExpression.parse("--schedule-start", "0 0 * * 6-7").minutesOfWeek()));
        assertEquals(5, CronExpression.parse("--schedule-start", "0 9 * * MON-FRI").minutesOfWeek().size());
        assertEquals(3, CronExpression.parse("--schedule-start", "0 9 * * 1-5/2").minutesOfWeek().size());
        assertFalse(CronExpression.parse("--schedule-start", "0 9 1 * *").weekly());
        assertFalse(CronExpression.parse("--schedule-start", "0 9 * JAN *").weekly());
    }

    @Test
    void cronAcceptsTheAutoScalingFormsAndRejectsOthers() {
        for (String ok : List.of("0 8 * * 1-5", "*/15 6-20 * * MON-FRI", "30 7 1,15 JAN-JUN *", "0 0 * * 0", "0 0 * * 7")) {
            assertEquals(ok, CronExpression.parse("--schedule-start", ok).text());
        }
        assertEquals("0 8 * * 1-5", CronExpression.parse("--schedule-start", "  0  8 * *\t1-5 ").text());
        for (String bad : List.of("", "0 8 * *", "0 8 * * 1-5 2026", "60 8 * * *", "0 8 32 * *", "0 8 * 13 *", "0 8 * * 8",
                "a b c d e", "5-1 * * * *", "*/0 * * * *")) {
            assertThrows(BadInput.class, () -> CronExpression.parse("--schedule-start", bad), bad);
        }
    }

    @Test
    void mixedPurchaseDescribesItself() {
        Purchase p = new Purchase(1, 50);
        assertTrue(p.mixed());
        assertEquals(50, p.onDemandPercentAboveBase());
        assertEquals("1 On-Demand + 50% Spot", p.describe());
        assertFalse(Purchase.allSpot().mixed());
    }

    @Test
    void runnerTagsFitTheEc2TagValueTheyAreCopiedInto() {
        // EC2 tag values hold 256 characters; the launch template's vending:runner-tags tag holds these
        // after the computed computetype, os, arch and executor tags
        java.util.List<String> three = java.util.List.of("a".repeat(60), "b".repeat(60), "c".repeat(58));
        assertEquals(180, String.join(",", three).length());
        FleetSpec.builder().tags(three).build();
        dev.vending.failure.BadInput e = org.junit.jupiter.api.Assertions.assertThrows(dev.vending.failure.BadInput.class,
                () -> FleetSpec.builder().tags(java.util.List.of("a".repeat(60), "b".repeat(60), "c".repeat(59))).build());
        assertEquals("--runner-tags", e.option());
        String longest = "computetype-ondemand,os-windows,arch-x86_64,glexecutor-docker-autoscaler," + String.join(",", three);
        org.junit.jupiter.api.Assertions.assertTrue(longest.length() <= 256, longest.length() + " characters");
    }
}
