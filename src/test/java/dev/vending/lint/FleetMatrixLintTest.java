package dev.vending.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vending.cfn.TemplateFormat;
import dev.vending.fleet.Arch;
import dev.vending.fleet.CacheMode;
import dev.vending.fleet.Executor;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.FleetTemplate;
import dev.vending.fleet.OperatingSystem;
import dev.vending.fleet.Purchase;
import dev.vending.testing.TemplateInvariants;

/**
 * Every combination of arch, OS, executor, purchase option, schedule and cache, in YAML and a
 * JSON sample, linted by one cfn-lint run that must report nothing (no error, warning or info).
 */
@Tag("slow")
class FleetMatrixLintTest {
    @TempDir
    Path dir;

    @Test
    void everyCombinationLintsClean() throws Exception {
        List<Path> files = new ArrayList<>();
        List<Purchase> purchases = List.of(Purchase.allSpot(), Purchase.allOnDemand(), new Purchase(1, 50));
        for (OperatingSystem os : OperatingSystem.values()) {
            for (Arch arch : Arch.values()) {
                if (os == OperatingSystem.WINDOWS && arch == Arch.ARM64) {
                    continue;
                }
                for (Executor executor : os == OperatingSystem.WINDOWS ? List.of(Executor.SHELL) : List.of(Executor.values())) {
                    for (int p = 0; p < purchases.size(); p++) {
                        for (boolean schedule : List.of(false, true)) {
                            for (CacheMode cache : CacheMode.values()) {
                                FleetSpec.Builder b = FleetSpec.builder().os(os).arch(arch).executor(executor)
                                        .purchase(purchases.get(p)).cache(cache)
                                        .tags(List.of("team-a", "build"));
                                if (executor == Executor.DOCKER_AUTOSCALER) {
                                    // the manager sizes the workers: a ceiling, and warm slots in scheduled hours
                                    b.max(p == 0 ? 100 : 3).idleCount(schedule ? 2 : 0);
                                } else {
                                    b.runners(p == 0 ? 100 : 3);
                                }
                                // a Windows S3 cache needs jobs on the instance role; every other p=1 fleet gets
                                // a customer managed key and a permissions boundary
                                boolean jobsRole = os == OperatingSystem.WINDOWS && cache == CacheMode.S3;
                                b.security(new dev.vending.fleet.SecuritySettings(jobsRole, jobsRole,
                                        p == 1 ? "arn:aws:iam::123456789012:policy/boundaries/runner" : null,
                                        p == 1 ? "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" : null));
                                if (schedule) {
                                    b.scheduleStart("0 8 * * 1-5").scheduleStop("0 18 * * 1-5").timeZone("America/New_York");
                                }
                                String name = String.join("-", os.id(), arch.awsName(), executor.id(), "p" + p,
                                        schedule ? "sched" : "always", cache.name().toLowerCase());
                                String yaml = TemplateFormat.YAML.render(FleetTemplate.build(b.build()));
                                TemplateInvariants.check(yaml);
                                Path f = dir.resolve(name + ".yaml");
                                Files.writeString(f, yaml);
                                files.add(f);
                                if (files.size() % 7 == 0) {
                                    Path j = dir.resolve(name + ".json");
                                    Files.writeString(j, TemplateFormat.JSON.render(FleetTemplate.build(b.build())));
                                    files.add(j);
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(files.size() >= 60, "matrix size " + files.size());
        CfnLint.Result result = CfnLint.lint(files);
        assertEquals(0, result.exitCode(), "cfn-lint findings over " + files.size() + " templates:\n" + result.output());
    }
}
