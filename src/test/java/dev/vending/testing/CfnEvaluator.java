package dev.vending.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Evaluates a template as CloudFormation does at stack creation: parameter values (given, or the
 * Default), parameter constraints and Rules, Conditions, then every intrinsic function in the
 * resources and outputs. The result is plain maps, lists and scalars: what reaches AWS.
 *
 * <p>Things only known once resources exist become markers: {@code Ref} to a resource gives
 * {@code "{Ref:LogicalId}"}, {@code Fn::GetAtt} gives {@code "{GetAtt:LogicalId.Attribute}"}; inside
 * {@code Fn::Sub} they are spliced into the string. SSM parameter types resolve to the value given
 * with {@link #ssm(String, String)}, else to {@code "{SSM:path}"}. {@code Fn::Base64} really encodes
 * ({@link #decodeBase64(Object)} reads it back). Resources and outputs whose condition is false are
 * dropped, an {@code Fn::If} branch of {@code AWS::NoValue} removes the key or list element, and a
 * reference to a dropped or unknown resource fails as it does in CloudFormation. Intrinsics this
 * class does not know throw, so a test can never silently pass over one.
 *
 * <p>Written independently of the production model (it reads the JSON or YAML text) so it checks the
 * templates from the outside.
 */
public final class CfnEvaluator {

    /** CloudFormation would refuse the stack (a parameter constraint, a rule, a broken reference). */
    public static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Rejected(String message) {
            super(message);
        }
    }

    /** The evaluated template. Parameters hold resolved values: a String, or a List of Strings. */
    public record Evaluated(Map<String, Object> parameters, Map<String, Boolean> conditions,
            Map<String, Object> resources, Map<String, Object> outputs) {

        /** The resource's evaluated Properties (an empty map when it has none); fails when it is not created. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> properties(String logicalId) {
            Object r = resources.get(logicalId);
            if (r == null) {
                throw new AssertionError("resource " + logicalId + " is not created; created: " + resources.keySet());
            }
            Object p = ((Map<String, Object>) r).get("Properties");
            return p == null ? Map.of() : (Map<String, Object>) p;
        }

        public boolean has(String logicalId) {
            return resources.containsKey(logicalId);
        }

        public String type(String logicalId) {
            return String.valueOf(CfnYaml.<Object>at(resources, logicalId, "Type"));
        }

        /** Logical ids of the created resources of a type, in template order. */
        public List<String> ofType(String type) {
            List<String> ids = new ArrayList<>();
            resources.forEach((id, r) -> {
                if (r instanceof Map<?, ?> m && type.equals(m.get("Type"))) {
                    ids.add(id);
                }
            });
            return ids;
        }

        public boolean condition(String name) {
            Boolean b = conditions.get(name);
            if (b == null) {
                throw new AssertionError("no condition " + name + "; conditions: " + conditions.keySet());
            }
            return b;
        }

        /** An output's evaluated Value; fails when the output is absent. */
        public Object output(String name) {
            return CfnYaml.at(outputs, name, "Value");
        }
    }

    private static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };
    private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}]*)}");

    private final Map<String, Object> template;
    private final Map<String, Object> given = new LinkedHashMap<>();
    private final Map<String, String> ssm = new HashMap<>();
    private String region = "us-east-1";
    private String accountId = "123456789012";
    private String stackName = "vending-test";

    // state of one evaluate() run
    private Map<String, Object> params;
    private Map<String, Object> conditionDefs;
    private Map<String, Boolean> conditions;
    private Set<String> evaluating;
    private Set<String> created;
    private Set<String> declared;

    private CfnEvaluator(Map<String, Object> template) {
        this.template = template;
    }

    public static CfnEvaluator of(Map<String, Object> template) {
        return new CfnEvaluator(template);
    }

    @SuppressWarnings("unchecked")
    public static CfnEvaluator fromJson(String json) {
        try {
            return new CfnEvaluator(new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS).readValue(json, Map.class));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a JSON template: " + e.getMessage(), e);
        }
    }

    public static CfnEvaluator fromYaml(String yaml) {
        return new CfnEvaluator(CfnYaml.load(yaml));
    }

    /** Reads JSON or YAML (a JSON template starts with '{'). */
    public static CfnEvaluator fromText(String text) {
        return text.stripLeading().startsWith("{") ? fromJson(text) : fromYaml(text);
    }

    /** A parameter value as the console or {@code --parameter-overrides} gives it (list types: comma-separated or a List). */
    public CfnEvaluator parameter(String name, Object value) {
        given.put(name, value);
        return this;
    }

    /** Values for parameters; one the template does not declare rejects the stack, as CloudFormation does. */
    public CfnEvaluator parameters(Map<String, ?> values) {
        given.putAll(values);
        return this;
    }

    /**
     * Values for those of the given parameters the template declares; the others are left out.
     * For comparing templates with different parameter sets (e.g. a full template and a plain one).
     */
    public CfnEvaluator parametersDeclared(Map<String, ?> values) {
        Map<String, Object> declaredParameters = section("Parameters");
        values.forEach((k, v) -> {
            if (declaredParameters.containsKey(k)) {
                given.put(k, v);
            }
        });
        return this;
    }

    /** The value an SSM parameter path resolves to, for parameters of type AWS::SSM::Parameter::Value&lt;...&gt;. */
    public CfnEvaluator ssm(String path, String value) {
        ssm.put(path, value);
        return this;
    }

    public CfnEvaluator region(String region) {
        this.region = region;
        return this;
    }

    public CfnEvaluator accountId(String accountId) {
        this.accountId = accountId;
        return this;
    }

    public CfnEvaluator stackName(String stackName) {
        this.stackName = stackName;
        return this;
    }

    /** The text an evaluated {@code Fn::Base64} encoded. */
    public static String decodeBase64(Object encoded) {
        if (!(encoded instanceof String s)) {
            throw new AssertionError("not a Base64 string: " + encoded);
        }
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }

    /**
     * The user data as the instance runs it: {@link #decodeBase64}, and where the Linux body travels
     * packed (gzip + base64 in a heredoc, then sourced; see {@code RenderedScript.deliveredBody}),
     * those lines replaced by the body they unpack, decoded here the same way.
     */
    public static String userDataScript(Object encoded) {
        String text = decodeBase64(encoded);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "umask 077\nbase64 -d <<'VENDING_BODY' \\| gzip -dc >(\\S+)\n([A-Za-z0-9+/=\n]+?)\nVENDING_BODY\n\\. \\1\n")
                .matcher(text);
        if (!m.find()) {
            java.util.regex.Matcher w = java.util.regex.Pattern.compile(
                    "\\$VendingBody = \\[Convert]::FromBase64String\\(@'\n([A-Za-z0-9+/=\n]+?)\n'@\\)\n.*?ReadToEnd\\(\\)\\)\\)\n",
                    java.util.regex.Pattern.DOTALL).matcher(text);
            if (!w.find()) {
                return text;
            }
            return text.substring(0, w.start()) + gunzip(w.group(1)) + text.substring(w.end());
        }
        return text.substring(0, m.start()) + gunzip(m.group(2)) + text.substring(m.end());
    }

    private static String gunzip(String base64) {
        byte[] packed = Base64.getMimeDecoder().decode(base64);
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(packed))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new AssertionError("packed user data does not unpack", e);
        }
    }

    public Evaluated evaluate() {
        params = new LinkedHashMap<>();
        conditions = new LinkedHashMap<>();
        evaluating = new HashSet<>();
        created = new HashSet<>();
        declared = new HashSet<>(section("Resources").keySet());
        conditionDefs = section("Conditions");
        Set<String> unknown = new HashSet<>(given.keySet());
        unknown.removeAll(section("Parameters").keySet());
        if (!unknown.isEmpty()) {
            throw new Rejected("Parameters: " + unknown + " do not exist in the template");
        }
        List<String> missing = new ArrayList<>();
        section("Parameters").forEach((name, def) -> {
            Object v = resolveParameter(name, asMap(def, "parameter " + name));
            if (v == null) {
                missing.add(name);
            } else {
                params.put(name, v);
            }
        });
        if (!missing.isEmpty()) {
            throw new Rejected("Parameters: " + missing + " must have values");
        }
        checkRules();
        for (String c : conditionDefs.keySet()) {
            condition(c);
        }
        Map<String, Object> resources = new LinkedHashMap<>();
        section("Resources").forEach((id, r) -> {
            if (applies(asMap(r, "resource " + id))) {
                created.add(id);
            }
        });
        section("Resources").forEach((id, r) -> {
            if (created.contains(id)) {
                Map<String, Object> out = new LinkedHashMap<>();
                asMap(r, id).forEach((k, v) -> {
                    if (!k.equals("Condition")) {
                        Object e = eval(v, "Resources." + id + "." + k);
                        if (e != NO_VALUE) {
                            out.put(k, e);
                        }
                    }
                });
                resources.put(id, out);
            }
        });
        Map<String, Object> outputs = new LinkedHashMap<>();
        section("Outputs").forEach((name, o) -> {
            Map<String, Object> def = asMap(o, "output " + name);
            if (applies(def)) {
                Map<String, Object> out = new LinkedHashMap<>();
                def.forEach((k, v) -> {
                    if (!k.equals("Condition")) {
                        out.put(k, eval(v, "Outputs." + name + "." + k));
                    }
                });
                outputs.put(name, out);
            }
        });
        return new Evaluated(Map.copyOf(params), Map.copyOf(conditions), resources, outputs);
    }

    private boolean applies(Map<String, Object> def) {
        Object c = def.get("Condition");
        return c == null || condition(String.valueOf(c));
    }

    // ---- parameters

    private Object resolveParameter(String name, Map<String, Object> def) {
        String type = String.valueOf(def.getOrDefault("Type", "String"));
        Object raw = given.containsKey(name) ? given.get(name) : def.get("Default");
        if (raw == null) {
            return null;
        }
        boolean ssmType = type.startsWith("AWS::SSM::Parameter::Value<");
        String valueType = ssmType ? type.substring("AWS::SSM::Parameter::Value<".length(), type.length() - 1) : type;
        boolean list = valueType.startsWith("List<") || valueType.equals("CommaDelimitedList");
        if (ssmType) { // constraints apply to the path; the stack sees the value stored there
            String path = scalar(raw, name);
            checkConstraints(name, def, path, "String");
            String value = ssm.getOrDefault(path, "{SSM:" + path + "}");
            return list ? List.of(value.split(",", -1)) : value;
        }
        if (!list) {
            String v = scalar(raw, name);
            checkConstraints(name, def, v, type);
            return v;
        }
        List<String> values = new ArrayList<>();
        if (raw instanceof List<?> l) {
            l.forEach(x -> values.add(scalar(x, name)));
        } else {
            String s = scalar(raw, name);
            if (!s.isEmpty()) {
                for (String part : s.split(",", -1)) {
                    values.add(part.strip()); // AWS: "each member string is space trimmed"
                }
            }
        }
        if (valueType.startsWith("List<AWS::") && values.isEmpty()) {
            throw new Rejected("Parameter " + name + " (" + type + ") needs at least one value");
        }
        for (String v : values) {
            checkConstraints(name, def, v, valueType.equals("List<Number>") ? "Number" : "String");
        }
        return List.copyOf(values);
    }

    private static String scalar(Object raw, String name) {
        if (raw instanceof Map<?, ?> || raw instanceof List<?>) {
            throw new IllegalArgumentException("parameter " + name + " takes a scalar, got " + raw);
        }
        if (raw instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(raw);
    }

    private static void checkConstraints(String name, Map<String, Object> def, String v, String type) {
        String what = "Parameter '" + name + "' ";
        if (def.get("AllowedValues") instanceof List<?> allowed
                && allowed.stream().map(a -> scalar(a, name)).noneMatch(v::equals)) {
            throw new Rejected(what + "must be one of AllowedValues " + allowed + ", got '" + v + "'");
        }
        if (def.get("AllowedPattern") instanceof String p && !Pattern.compile(p).matcher(v).matches()) {
            throw new Rejected(what + "must match pattern " + p + ", got '" + v + "'");
        }
        if (def.get("MinLength") instanceof Number n && v.length() < n.longValue()) {
            throw new Rejected(what + "must contain at least " + n + " characters, got '" + v + "'");
        }
        if (def.get("MaxLength") instanceof Number n && v.length() > n.longValue()) {
            throw new Rejected(what + "must contain at most " + n + " characters, got " + v.length());
        }
        if (type.equals("Number")) {
            double d;
            try {
                d = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new Rejected(what + "must be a number, got '" + v + "'");
            }
            if (def.get("MinValue") instanceof Number n && d < n.doubleValue()) {
                throw new Rejected(what + "must be a number not less than " + n + ", got " + v);
            }
            if (def.get("MaxValue") instanceof Number n && d > n.doubleValue()) {
                throw new Rejected(what + "must be a number not greater than " + n + ", got " + v);
            }
        }
    }

    // ---- rules (evaluated before anything is created; a failed assertion rejects the stack)

    private void checkRules() {
        section("Rules").forEach((name, r) -> {
            Map<String, Object> rule = asMap(r, "rule " + name);
            if (rule.containsKey("RuleCondition") && !ruleFn(rule.get("RuleCondition"), name)) {
                return;
            }
            Object assertions = rule.get("Assertions");
            if (!(assertions instanceof List<?> list)) {
                throw new IllegalArgumentException("rule " + name + " has no Assertions list");
            }
            for (Object a : list) {
                Map<String, Object> assertion = asMap(a, "rule " + name + " assertion");
                if (!ruleFn(assertion.get("Assert"), name)) {
                    throw new Rejected("rule " + name + " failed: " + assertion.getOrDefault("AssertDescription", "(no description)"));
                }
            }
        });
    }

    private boolean ruleFn(Object node, String rule) {
        Map<String, Object> m = asMap(node, "rule " + rule);
        if (m.size() != 1) {
            throw new IllegalArgumentException("rule " + rule + ": not a rule function: " + node);
        }
        String fn = m.keySet().iterator().next();
        Object arg = m.get(fn);
        return switch (fn) {
            case "Fn::Equals" -> {
                List<?> a = args(arg, 2, fn);
                yield same(ruleValue(a.get(0), rule), ruleValue(a.get(1), rule));
            }
            case "Fn::Not" -> !ruleFn(args(arg, 1, fn).get(0), rule);
            case "Fn::And" -> args(arg, -1, fn).stream().allMatch(x -> ruleFn(x, rule));
            case "Fn::Or" -> args(arg, -1, fn).stream().anyMatch(x -> ruleFn(x, rule));
            case "Fn::Contains" -> {
                List<?> a = args(arg, 2, fn);
                yield list(ruleValue(a.get(0), rule), fn).contains(scalar(ruleValue(a.get(1), rule), fn));
            }
            case "Fn::EachMemberEquals" -> {
                List<?> a = args(arg, 2, fn);
                String v = scalar(ruleValue(a.get(1), rule), fn);
                yield list(ruleValue(a.get(0), rule), fn).stream().allMatch(v::equals);
            }
            case "Fn::EachMemberIn" -> {
                List<?> a = args(arg, 2, fn);
                List<String> allowed = list(ruleValue(a.get(1), rule), fn);
                yield allowed.containsAll(list(ruleValue(a.get(0), rule), fn));
            }
            default -> throw new UnsupportedOperationException("rule " + rule + ": unsupported rule function " + fn);
        };
    }

    private Object ruleValue(Object node, String rule) {
        if (node instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("Ref")) {
            String name = String.valueOf(m.get("Ref"));
            Object v = params.get(name);
            if (v == null) {
                throw new IllegalArgumentException("rule " + rule + ": Ref to unknown parameter " + name);
            }
            return v;
        }
        if (node instanceof Map<?, ?> m && m.size() == 1 && String.valueOf(m.keySet().iterator().next()).startsWith("Fn::")) {
            return ruleFn(node, rule) ? "true" : "false";
        }
        if (node instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            l.forEach(x -> out.add(scalar(ruleValue(x, rule), rule)));
            return out;
        }
        return node;
    }

    // ---- conditions

    private boolean condition(String name) {
        Boolean known = conditions.get(name);
        if (known != null) {
            return known;
        }
        if (!conditionDefs.containsKey(name)) {
            throw new Rejected("Condition " + name + " is not defined");
        }
        if (!evaluating.add(name)) {
            throw new Rejected("Condition " + name + " refers to itself");
        }
        boolean value = conditionFn(conditionDefs.get(name), "Conditions." + name);
        evaluating.remove(name);
        conditions.put(name, value);
        return value;
    }

    private boolean conditionFn(Object node, String where) {
        Map<String, Object> m = asMap(node, where);
        if (m.size() != 1) {
            throw new IllegalArgumentException(where + ": not a condition function: " + node);
        }
        String fn = m.keySet().iterator().next();
        Object arg = m.get(fn);
        return switch (fn) {
            case "Fn::Equals" -> {
                List<?> a = args(arg, 2, where + " " + fn);
                yield same(eval(a.get(0), where), eval(a.get(1), where));
            }
            case "Fn::Not" -> !conditionFn(args(arg, 1, where + " " + fn).get(0), where);
            case "Fn::And" -> {
                List<?> a = args(arg, -1, where + " " + fn);
                if (a.size() < 2 || a.size() > 10) {
                    throw new Rejected(where + ": Fn::And takes 2 to 10 conditions, got " + a.size());
                }
                boolean all = true;
                for (Object x : a) {
                    all &= conditionFn(x, where);
                }
                yield all;
            }
            case "Fn::Or" -> {
                List<?> a = args(arg, -1, where + " " + fn);
                if (a.size() < 2 || a.size() > 10) {
                    throw new Rejected(where + ": Fn::Or takes 2 to 10 conditions, got " + a.size());
                }
                boolean any = false;
                for (Object x : a) {
                    any |= conditionFn(x, where);
                }
                yield any;
            }
            case "Condition" -> condition(String.valueOf(arg));
            default -> throw new UnsupportedOperationException(where + ": unsupported condition function " + fn);
        };
    }

    /** Fn::Equals compares the values as strings (CloudFormation passes every parameter as a string). */
    private static boolean same(Object a, Object b) {
        return canonical(a).equals(canonical(b));
    }

    private static Object canonical(Object v) {
        if (v instanceof List<?> l) {
            return l.stream().map(CfnEvaluator::canonical).toList();
        }
        if (v instanceof Map<?, ?>) {
            return v;
        }
        return scalar(v, "Fn::Equals");
    }

    // ---- intrinsic functions

    private Object eval(Object node, String where) {
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) {
                Object e = eval(x, where);
                if (e != NO_VALUE) {
                    out.add(e);
                }
            }
            return out;
        }
        if (!(node instanceof Map<?, ?> raw)) {
            return node;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) raw;
        if (m.size() == 1) {
            String key = m.keySet().iterator().next();
            if (key.equals("Ref") || key.startsWith("Fn::")) {
                return function(key, m.get(key), where);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            Object e = eval(v, where + "." + k);
            if (e != NO_VALUE) {
                out.put(k, e);
            }
        });
        return out;
    }

    private Object function(String fn, Object arg, String where) {
        String at = where + " " + fn;
        return switch (fn) {
            case "Ref" -> ref(string(eval(arg, at), at), at);
            case "Fn::GetAtt" -> {
                List<?> a = arg instanceof String s && s.contains(".")
                        ? List.of(s.substring(0, s.indexOf('.')), s.substring(s.indexOf('.') + 1)) : args(arg, 2, at);
                String id = string(eval(a.get(0), at), at);
                requireCreated(id, at);
                yield "{GetAtt:" + id + "." + string(eval(a.get(1), at), at) + "}";
            }
            case "Fn::Sub" -> sub(arg, at);
            case "Fn::If" -> {
                List<?> a = args(arg, 3, at);
                yield eval(condition(string(a.get(0), at)) ? a.get(1) : a.get(2), where);
            }
            case "Fn::Join" -> {
                List<?> a = args(arg, 2, at);
                String delimiter = string(eval(a.get(0), at), at);
                yield String.join(delimiter, list(eval(a.get(1), at), at));
            }
            case "Fn::Select" -> {
                List<?> a = args(arg, 2, at);
                int index = Integer.parseInt(string(eval(a.get(0), at), at));
                Object listed = eval(a.get(1), at);
                if (!(listed instanceof List<?> l)) {
                    throw new Rejected(at + ": needs a list, got " + listed);
                }
                if (index < 0 || index >= l.size()) {
                    throw new Rejected(at + ": index " + index + " out of bounds for " + l);
                }
                yield l.get(index);
            }
            case "Fn::Split" -> {
                List<?> a = args(arg, 2, at);
                String delimiter = string(eval(a.get(0), at), at);
                String source = string(eval(a.get(1), at), at);
                yield List.of(source.split(Pattern.quote(delimiter), -1));
            }
            case "Fn::Base64" -> Base64.getEncoder().encodeToString(string(eval(arg, at), at).getBytes(StandardCharsets.UTF_8));
            case "Fn::GetAZs" -> {
                String r = string(eval(arg, at), at);
                String azRegion = r.isEmpty() ? region : r;
                yield List.of(azRegion + "a", azRegion + "b", azRegion + "c");
            }
            case "Fn::FindInMap" -> {
                List<?> a = args(arg, 3, at);
                String map = string(eval(a.get(0), at), at);
                String top = string(eval(a.get(1), at), at);
                String second = string(eval(a.get(2), at), at);
                Object v = section("Mappings").get(map) instanceof Map<?, ?> mm && mm.get(top) instanceof Map<?, ?> t ? t.get(second) : null;
                if (v == null) {
                    throw new Rejected(at + ": no " + map + "." + top + "." + second + " in Mappings");
                }
                yield v;
            }
            default -> throw new UnsupportedOperationException(at + ": intrinsic function not supported by CfnEvaluator");
        };
    }

    private Object ref(String name, String at) {
        switch (name) {
            case "AWS::Region":
                return region;
            case "AWS::AccountId":
                return accountId;
            case "AWS::StackName":
                return stackName;
            case "AWS::StackId":
                return "arn:" + partition() + ":cloudformation:" + region + ":" + accountId + ":stack/" + stackName
                        + "/00000000-0000-0000-0000-000000000000";
            case "AWS::Partition":
                return partition();
            case "AWS::URLSuffix":
                return region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
            case "AWS::NoValue":
                return NO_VALUE;
            case "AWS::NotificationARNs":
                return List.of();
            default:
                break;
        }
        if (params.containsKey(name)) {
            return params.get(name);
        }
        if (!evaluating.isEmpty()) {
            throw new Rejected(at + ": conditions can refer only to parameters, not to " + name);
        }
        requireCreated(name, at);
        return "{Ref:" + name + "}";
    }

    private void requireCreated(String id, String at) {
        if (!declared.contains(id)) {
            throw new Rejected(at + ": unresolved reference " + id + " (no such parameter or resource)");
        }
        if (!created.contains(id)) {
            throw new Rejected(at + ": refers to " + id + ", which is not created (its condition is false)");
        }
    }

    private String partition() {
        if (region.startsWith("cn-")) {
            return "aws-cn";
        }
        return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    }

    private Object sub(Object arg, String at) {
        String text;
        Map<String, Object> vars = new HashMap<>();
        if (arg instanceof String s) {
            text = s;
        } else {
            List<?> a = args(arg, 2, at);
            text = string(a.get(0), at);
            asMap(a.get(1), at).forEach((k, v) -> vars.put(k, eval(v, at + " ${" + k + "}")));
        }
        StringBuilder out = new StringBuilder();
        var matcher = SUB_VAR.matcher(text);
        int last = 0;
        while (matcher.find()) {
            out.append(text, last, matcher.start());
            String name = matcher.group(1);
            if (name.startsWith("!")) {
                out.append("${").append(name.substring(1)).append('}');
            } else if (vars.containsKey(name)) {
                out.append(string(vars.get(name), at + " ${" + name + "}"));
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                int dot = name.indexOf('.');
                String id = name.substring(0, dot);
                requireCreated(id, at + " ${" + name + "}");
                out.append("{GetAtt:").append(id).append('.').append(name.substring(dot + 1)).append('}');
            } else {
                Object v = ref(name.strip(), at + " ${" + name + "}");
                out.append(string(v, at + " ${" + name + "} (Fn::Sub takes only strings)"));
            }
            last = matcher.end();
        }
        out.append(text.substring(last));
        return out.toString();
    }

    // ---- helpers

    private static List<?> args(Object arg, int count, String at) {
        if (!(arg instanceof List<?> l) || (count >= 0 && l.size() != count)) {
            throw new Rejected(at + ": takes " + (count < 0 ? "a list" : count + " arguments") + ", got " + arg);
        }
        return l;
    }

    private static String string(Object v, String at) {
        if (v == NO_VALUE || v instanceof Map<?, ?> || v instanceof List<?> || v == null) {
            throw new Rejected(at + ": needs a string, got " + v);
        }
        return scalar(v, at);
    }

    private static List<String> list(Object v, String at) {
        if (!(v instanceof List<?> l)) {
            throw new Rejected(at + ": needs a list, got " + v);
        }
        List<String> out = new ArrayList<>();
        l.forEach(x -> out.add(string(x, at)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> section(String name) {
        Object s = template.get(name);
        return s == null ? Map.of() : asMap(s, name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object node, String where) {
        if (!(node instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(where + ": expected a map, got " + node);
        }
        return (Map<String, Object>) m;
    }
}
