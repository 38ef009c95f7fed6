package dev.vending.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.vending.failure.BadInput;

/**
 * What each template parameter is sent as, from plain values only (no AWS calls), so every rule is
 * a unit test. Every parameter gets an explicit value, because moto answers UsePreviousValue on a
 * List or SSM-typed parameter with HTTP 500; in this order of preference:
 * <ol>
 * <li>{@code --parameter KEY=VALUE};
 * <li>what deploy derives (the token parameter's name, {@code --vpc}, {@code --subnets}, the default network);
 * <li>for a template built from fleet flags, its declared default (that is where the flags went);
 * <li>on update, the stack's previous value (NoEcho ones as UsePreviousValue: CloudFormation hides
 *     them; SSM-typed ones with a default are resolved afresh from their default instead);
 * <li>the template's default.
 * </ol>
 */
public final class ParameterResolver {
    private ParameterResolver() {
    }

    /** One parameter as sent: a value, or UsePreviousValue. */
    public record Value(String key, String value, boolean usePrevious) {
    }

    /** Values in the template's order, and the parameters nothing gave a value. */
    public record Resolution(Map<String, Value> values, List<String> missing) {
    }

    public static Resolution resolve(Map<String, TemplateSource.Param> declared, boolean fromFleet, Map<String, String> explicit,
            Map<String, String> derived, Map<String, String> previous) {
        for (String k : explicit.keySet()) {
            if (!declared.containsKey(k)) {
                throw new BadInput("--parameter", "the template has no parameter '" + k + "' (it has " + String.join(", ", declared.keySet()) + ")");
            }
        }
        Map<String, Value> values = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (TemplateSource.Param p : declared.values()) {
            String k = p.name();
            String v = explicit.containsKey(k) ? explicit.get(k) : derived.get(k);
            if (v == null && fromFleet && p.defaultValue() != null) {
                v = p.defaultValue();
            }
            if (v == null && previous.containsKey(k)) {
                if (p.noEcho()) {
                    values.put(k, new Value(k, null, true));
                    continue;
                }
                if (!(p.type().startsWith("AWS::SSM::") && p.defaultValue() != null)) {
                    v = normaliseList(p, previous.get(k));
                }
            }
            if (v == null) {
                v = p.defaultValue();
            }
            if (v == null) {
                missing.add(k);
                continue;
            }
            values.put(k, new Value(k, v, false));
        }
        return new Resolution(values, missing);
    }

    /**
     * The parameters whose value changes against the stack's previous ones (update only). NoEcho
     * values are never compared or shown: CloudFormation answers them as asterisks.
     */
    public static List<Plan.ParameterChange> changes(Map<String, TemplateSource.Param> declared, Map<String, String> previous,
            Map<String, Value> values) {
        List<Plan.ParameterChange> changes = new ArrayList<>();
        for (Value v : values.values()) {
            TemplateSource.Param p = declared.get(v.key());
            if (v.usePrevious() || p == null || p.noEcho()) {
                continue;
            }
            String before = previous.containsKey(v.key()) ? normaliseList(p, previous.get(v.key())) : null;
            if (isResolvedImage(p, before)) {
                continue; // moto answers an SSM-typed parameter's resolved AMI, not its name: nothing to compare
            }
            if (!Objects.equals(before, v.value())) {
                changes.add(new Plan.ParameterChange(v.key(), before, v.value()));
            }
        }
        return changes;
    }

    private static boolean isResolvedImage(TemplateSource.Param p, String previous) {
        return previous != null && p.type().equals("AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>") && previous.matches("ami-[0-9a-f]{8,17}");
    }

    /** moto answers a List parameter's previous value as "['a', 'b']"; AWS as "a,b". */
    static String normaliseList(TemplateSource.Param p, String v) {
        return p.type().startsWith("List<") ? plainList(v) : v;
    }

    /** "['a', 'b']" as "a,b"; anything else as it is. */
    static String plainList(String v) {
        if (v != null && v.startsWith("[") && v.endsWith("]")) {
            List<String> parts = new ArrayList<>();
            for (String s : v.substring(1, v.length() - 1).split(",")) {
                String x = s.strip().replaceAll("^['\"]|['\"]$", "");
                if (!x.isEmpty()) {
                    parts.add(x);
                }
            }
            return String.join(",", parts);
        }
        return v;
    }
}
