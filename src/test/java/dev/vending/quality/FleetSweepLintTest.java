package dev.vending.quality;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vending.cfn.TemplateFormat;
import dev.vending.fleet.FleetTemplate;
import dev.vending.lint.CfnLint;
import dev.vending.testing.TemplateInvariants;

/**
 * Property sweep: random valid fleets (seeded; -Dvending.seed=N replays a run) must each satisfy
 * the template invariants, and all of them together must lint clean in one cfn-lint run.
 * -Dvending.sweep=N changes the number of fleets (default {@value #DEFAULT_COUNT}).
 */
class FleetSweepLintTest {
    static final int DEFAULT_COUNT = 400;

    @TempDir
    Path dir;

    @Test
    void randomValidFleetsHoldInvariantsAndLintClean() throws Exception {
        long seed = RandomFleets.seed();
        int count = Integer.getInteger("vending.sweep", DEFAULT_COUNT);
        System.out.println("FleetSweepLintTest: seed " + seed + " (replay with -Dvending.seed=" + seed + "), " + count + " fleets");
        RandomFleets fleets = new RandomFleets(seed);
        Map<Path, String> specs = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RandomFleets.Draw draw;
            try {
                draw = fleets.next();
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", fleet #" + i + ": " + e.getMessage(), e);
            }
            String yaml;
            try {
                yaml = TemplateFormat.YAML.render(FleetTemplate.build(draw.spec()));
                TemplateInvariants.check(yaml);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ", fleet #" + i + ": " + e + "\n  " + draw.description(), e);
            }
            Path f = dir.resolve(String.format("fleet-%03d.yaml", i));
            Files.writeString(f, yaml);
            files.add(f);
            specs.put(f, draw.description());
        }
        long started = System.nanoTime();
        CfnLint.Result result = CfnLint.lint(files);
        System.out.printf("FleetSweepLintTest: cfn-lint over %d templates took %.1f s%n", files.size(), (System.nanoTime() - started) / 1e9);
        if (!result.clean()) {
            StringBuilder failing = new StringBuilder();
            for (Map.Entry<Path, String> e : specs.entrySet()) {
                if (result.output().contains(e.getKey().toString())) {
                    failing.append("\n  ").append(e.getKey().getFileName()).append(": ").append(e.getValue());
                }
            }
            fail("seed " + seed + " (replay with -Dvending.seed=" + seed + "): cfn-lint exit " + result.exitCode()
                    + "\nfailing fleets:" + failing + "\ncfn-lint output:\n" + result.output());
        }
    }
}
