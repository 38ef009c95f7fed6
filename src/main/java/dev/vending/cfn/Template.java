package dev.vending.cfn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CloudFormation template. Sections keep insertion order so that the same build steps always
 * produce the same bytes. {@link #toTree()} gives the plain tree both writers consume.
 */
public final class Template {
    public static final int INLINE_BODY_LIMIT_BYTES = 51_200;

    private final String description;
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final List<String> groupOrder = new ArrayList<>();
    private final Map<String, Rule> rules = new LinkedHashMap<>();
    private final Map<String, Condition> conditions = new LinkedHashMap<>();
    private final Map<String, Resource> resources = new LinkedHashMap<>();
    private final Map<String, Output> outputs = new LinkedHashMap<>();

    public Template(String description) {
        this.description = description;
    }

    public Parameter add(Parameter p) {
        putUnique(parameters, p.logicalId(), p);
        if (p.group() != null && !groupOrder.contains(p.group())) {
            groupOrder.add(p.group());
        }
        return p;
    }

    public Condition add(Condition c) {
        putUnique(conditions, c.logicalId(), c);
        return c;
    }

    public Rule add(Rule r) {
        putUnique(rules, r.logicalId(), r);
        return r;
    }

    public <R extends Resource> R add(R r) {
        putUnique(resources, r.logicalId(), r);
        return r;
    }

    public Output add(Output o) {
        putUnique(outputs, o.logicalId(), o);
        return o;
    }

    private static <V> void putUnique(Map<String, V> map, String id, V value) {
        if (map.containsKey(id)) {
            throw new IllegalStateException("duplicate logical id: " + id);
        }
        map.put(id, value);
    }

    public Map<String, Parameter> parameters() {
        return java.util.Collections.unmodifiableMap(parameters);
    }

    public Map<String, Resource> resources() {
        return java.util.Collections.unmodifiableMap(resources);
    }

    public Map<String, Output> outputs() {
        return java.util.Collections.unmodifiableMap(outputs);
    }

    public Map<String, Condition> conditions() {
        return java.util.Collections.unmodifiableMap(conditions);
    }

    /** The template as an ordered tree of String/Number/Boolean/List/Map/Intrinsic. */
    public Map<String, Object> toTree() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("AWSTemplateFormatVersion", "2010-09-09");
        if (description != null) {
            root.put("Description", description);
        }
        Map<String, Object> iface = interfaceMetadata();
        if (!iface.isEmpty()) {
            root.put("Metadata", Map.of("AWS::CloudFormation::Interface", iface));
        }
        if (!parameters.isEmpty()) {
            Map<String, Object> ps = new LinkedHashMap<>();
            parameters.forEach((id, p) -> ps.put(id, p.toProps().toMap()));
            root.put("Parameters", ps);
        }
        if (!rules.isEmpty()) {
            Map<String, Object> rs = new LinkedHashMap<>();
            rules.forEach((id, r) -> {
                Map<String, Object> body = new LinkedHashMap<>();
                if (r.condition() != null) {
                    body.put("RuleCondition", r.condition());
                }
                body.put("Assertions", r.assertions().stream().map(a -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("Assert", a.assertion());
                    m.put("AssertDescription", a.description());
                    return (Object) m;
                }).toList());
                rs.put(id, body);
            });
            root.put("Rules", rs);
        }
        if (!conditions.isEmpty()) {
            Map<String, Object> cs = new LinkedHashMap<>();
            conditions.forEach((id, c) -> cs.put(id, c.expression()));
            root.put("Conditions", cs);
        }
        Map<String, Object> rs = new LinkedHashMap<>();
        resources.forEach((id, r) -> rs.put(id, r.toProps().toMap()));
        root.put("Resources", rs);
        if (!outputs.isEmpty()) {
            Map<String, Object> os = new LinkedHashMap<>();
            outputs.forEach((id, o) -> os.put(id, Props.of()
                    .put("Description", o.description())
                    .put("Condition", o.condition() == null ? null : o.condition().logicalId())
                    .put("Value", o.value())
                    .toMap()));
            root.put("Outputs", os);
        }
        return root;
    }

    private Map<String, Object> interfaceMetadata() {
        Map<String, Object> iface = new LinkedHashMap<>();
        List<Object> groups = new ArrayList<>();
        for (String g : groupOrder) {
            List<String> members = parameters.values().stream()
                    .filter(p -> g.equals(p.group())).map(Parameter::logicalId).toList();
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("Label", Map.of("default", g));
            group.put("Parameters", members);
            groups.add(group);
        }
        if (!groups.isEmpty()) {
            iface.put("ParameterGroups", groups);
        }
        Map<String, Object> labels = new LinkedHashMap<>();
        parameters.values().stream().filter(p -> p.label() != null)
                .forEach(p -> labels.put(p.logicalId(), Map.of("default", p.label())));
        if (!labels.isEmpty()) {
            iface.put("ParameterLabels", labels);
        }
        return iface;
    }
}
