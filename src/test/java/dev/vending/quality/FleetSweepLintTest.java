package dev.vending.quality;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vending.cfn.Template;
import dev.vending.cfn.TemplateFormat;
import dev.vending.fleet.FleetTemplate;
import dev.vending.lint.CfnLint;
import dev.vending.testing.CfnYaml;
import dev.vending.testing.TemplateInvariants;

/**
 * Property sweep: random valid fleets (seeded; -Dvending.seed=N replays a run) must each satisfy
 * the template invariants and read back from YAML as their JSON rendering says, and all of them
 * together must lint clean in one cfn-lint run.
 * -Dvending.sweep=N changes the number of fleets (default {@value #DEFAULT_COUNT}).
 */
@Tag("slow")
class FleetSweepLintTest {
    static final int DEFAULT_COUNT = 400;

    private static final ObjectMapper JSON = new ObjectMapper();

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
                Template template = FleetTemplate.build(draw.spec());
                yaml = TemplateFormat.YAML.render(template);
                TemplateInvariants.check(yaml);
                // the YAML writer's short forms, read back as CloudFormation reads them, say what the JSON says
                String difference = firstDifference(JSON.readTree(TemplateFormat.JSON.render(template)),
                        JSON.readTree(JSON.writeValueAsString(CfnYaml.load(yaml))), "");
                assertNull(difference, "YAML and JSON renderings differ");
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

    /** Where two JSON trees first differ ("at /Resources/X: json ..., yaml ..."), or null if equal. */
    static String firstDifference(JsonNode json, JsonNode yaml, String path) {
        if (json.equals(yaml)) {
            return null;
        }
        if (json.isObject() && yaml.isObject() && json.size() == yaml.size()) {
            for (var it = json.fieldNames(); it.hasNext();) {
                String name = it.next();
                if (yaml.has(name)) {
                    String d = firstDifference(json.get(name), yaml.get(name), path + "/" + name);
                    if (d != null) {
                        return d;
                    }
                }
            }
        } else if (json.isArray() && yaml.isArray() && json.size() == yaml.size()) {
            for (int i = 0; i < json.size(); i++) {
                String d = firstDifference(json.get(i), yaml.get(i), path + "/" + i);
                if (d != null) {
                    return d;
                }
            }
        }
        String a = json.toString();
        String b = yaml.toString();
        return "at " + (path.isEmpty() ? "/" : path) + ": JSON " + (a.length() > 200 ? a.substring(0, 200) + "..." : a)
                + ", YAML read back " + (b.length() > 200 ? b.substring(0, 200) + "..." : b);
    }
}
