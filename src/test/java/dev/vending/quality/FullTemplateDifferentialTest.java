package dev.vending.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.junit.jupiter.api.Test;

import dev.vending.cfn.TemplateFormat;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.FleetTemplate;
import dev.vending.testing.CfnEvaluator;
import dev.vending.testing.CfnEvaluator.Evaluated;

/**
 * Differential test over the random-fleet sweep: the full template ({@code generate F --all-parameters}),
 * deployed with its parameter defaults, must create the same thing as the generated template of F.
 * Both are evaluated as CloudFormation would (parameters, conditions, intrinsics) and compared on what
 * reaches AWS: every created resource's type, Properties, CreationPolicy, UpdatePolicy and DeletionPolicy,
 * and every output's value. Numbers and booleans compare by their text, as CloudFormation passes them.
 * -Dvending.seed=N replays a run; -Dvending.differential=N sets the count (default 150).
 */
class FullTemplateDifferentialTest {
    /** What a deploy always gives: the parameters without defaults. */
    private static final Map<String, Object> DEPLOY = Map.of(
            FleetTemplate.P_VPC, "vpc-0123456789abcdef0",
            FleetTemplate.P_SUBNETS, "subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb",
            FleetTemplate.P_RUNNER_TOKEN, "glrt-differential-test");

    static Map<String, Object> deployParameters() {
        return DEPLOY;
    }

    @Test
    void fullTemplateAtItsDefaultsCreatesWhatTheGeneratedTemplateCreates() {
        long seed = RandomFleets.seed();
        int count = Integer.getInteger("vending.differential", 150);
        System.out.println("FullTemplateDifferentialTest: seed " + seed + " (replay with -Dvending.seed=" + seed + "), " + count + " fleets");
        RandomFleets fleets = new RandomFleets(seed);
        for (int i = 0; i < count; i++) {
            RandomFleets.Draw draw = fleets.next();
            if (!draw.hasFullTemplate()) {
                continue;
            }
            Map<String, Object> generated = reachesAws(evaluate(draw.spec(), false));
            Map<String, Object> full = reachesAws(evaluate(draw.spec(), true));
            String where = "seed " + seed + ", fleet #" + i + ": " + draw.description();
            String diff = firstDifference("", generated, full);
            assertEquals(null, diff, where);
        }
    }

    @Test
    void checkedInFullTemplatesMeanWhatTheirSpotShareSays() {
        // the defaults of templates/vending-linux-*.yaml: --spot; SpotPercent 100 must be all Spot
        FleetSpec spot = FleetSpec.builder().purchase(dev.vending.fleet.Purchase.allSpot()).build();
        for (int spotPercent : new int[] {0, 1, 30, 50, 99, 100}) {
            Evaluated e = CfnEvaluator.fromText(TemplateFormat.YAML.render(FleetTemplate.build(spot, true)))
                    .parameters(DEPLOY).parameter("SpotPercent", Integer.toString(spotPercent)).evaluate();
            Object onDemand = ((Map<?, ?>) ((Map<?, ?>) e.properties(FleetTemplate.ASG).get("MixedInstancesPolicy"))
                    .get("InstancesDistribution")).get("OnDemandPercentageAboveBaseCapacity");
            assertEquals(Integer.toString(100 - spotPercent), String.valueOf(onDemand), "SpotPercent " + spotPercent);
        }
    }

    static Evaluated evaluate(FleetSpec spec, boolean allParameters) {
        String yaml = TemplateFormat.YAML.render(FleetTemplate.build(spec, allParameters));
        return CfnEvaluator.fromText(yaml).parameters(DEPLOY).evaluate();
    }

    /** The parts of an evaluated template that reach AWS, scalars as text. */
    static Map<String, Object> reachesAws(Evaluated e) {
        Map<String, Object> out = new LinkedHashMap<>();
        e.resources().forEach((id, r) -> {
            Map<?, ?> res = (Map<?, ?>) r;
            Map<String, Object> kept = new LinkedHashMap<>();
            for (String key : List.of("Type", "Properties", "CreationPolicy", "UpdatePolicy", "DeletionPolicy", "UpdateReplacePolicy",
                    "DependsOn")) {
                if (res.containsKey(key)) {
                    kept.put(key, text(res.get(key)));
                }
            }
            out.put("Resources." + id, kept);
        });
        e.outputs().forEach((name, o) -> out.put("Outputs." + name, text(((Map<?, ?>) o).get("Value"))));
        return out;
    }

    private static Object text(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), text(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(text(x)));
            return out;
        }
        return String.valueOf(v);
    }

    /** Path and both values of the first difference, or null. */
    static String firstDifference(String path, Object a, Object b) {
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            for (Object k : ma.keySet()) {
                if (!mb.containsKey(k)) {
                    return path + "." + k + ": only in the generated template: " + ma.get(k);
                }
                String d = firstDifference(path + "." + k, ma.get(k), mb.get(k));
                if (d != null) {
                    return d;
                }
            }
            for (Object k : mb.keySet()) {
                if (!ma.containsKey(k)) {
                    return path + "." + k + ": only in the full template: " + mb.get(k);
                }
            }
            return null;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
                String d = firstDifference(path + "[" + i + "]", la.get(i), lb.get(i));
                if (d != null) {
                    return d;
                }
            }
            return la.size() == lb.size() ? null : path + ": " + la.size() + " vs " + lb.size() + " elements: " + la + " vs " + lb;
        }
        if (Objects.equals(a, b)) {
            return null;
        }
        if (a instanceof String sa && b instanceof String sb && sa.length() > 200) {
            return path + ": generated\n" + decoded(sa) + "\nfull\n" + decoded(sb);
        }
        return path + ": generated " + a + ", full " + b;
    }

    private static String decoded(String s) {
        try {
            return CfnEvaluator.decodeBase64(s);
        } catch (RuntimeException e) {
            return s;
        }
    }
}
