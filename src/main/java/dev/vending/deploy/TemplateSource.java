package dev.vending.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.vending.cfn.Template;
import dev.vending.cfn.TemplateFormat;
import dev.vending.failure.BadInput;
import dev.vending.fleet.FleetTemplate;

/**
 * The template a deploy sends, with what deploy needs to know about it: parameters (type,
 * default, NoEcho), the capabilities its IAM resources need, and its literal runner tags.
 */
public final class TemplateSource {
    /** One declared parameter. */
    public record Param(String name, String type, String defaultValue, boolean noEcho) {
        boolean isListOrSsm() {
            return type.startsWith("List<") || type.startsWith("AWS::SSM::") || type.equals("CommaDelimitedList");
        }
    }

    final String body;
    final boolean fromFleet;
    final Map<String, Param> params;
    final Map<String, Object> tree;

    private TemplateSource(String body, Map<String, Object> tree, boolean fromFleet) {
        this.body = body;
        this.tree = tree;
        this.fromFleet = fromFleet;
        this.params = readParams(tree);
    }

    /**
     * A generated template, sent as compact JSON: same meaning as the YAML, fewer bytes than
     * pretty JSON, and no short-form tags (moto cannot read `!Base64` over a mapping).
     */
    public static TemplateSource fromFleet(Template template) {
        String pretty = TemplateFormat.JSON.render(template);
        try {
            ObjectMapper m = new ObjectMapper();
            @SuppressWarnings("unchecked")
            Map<String, Object> tree = m.readValue(pretty, LinkedHashMap.class);
            return new TemplateSource(m.writeValueAsString(tree), tree, true);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("generated template is not JSON", e);
        }
    }

    /** A template file written before (YAML or JSON), sent as it is. Bad files: exit 2. */
    public static TemplateSource fromFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInput("--template-file", "no such file: " + file);
        } catch (IOException e) {
            throw new BadInput("--template-file", "cannot read " + file + ": " + e.getMessage());
        }
        Object parsed;
        try {
            // YAML is a superset of JSON; short-form tags (!Ref, !Sub) are read as plain values here.
            parsed = new ObjectMapper(new YAMLFactory()).readValue(text, Object.class);
        } catch (IOException e) {
            String why = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw new BadInput("--template-file", file + " is not YAML or JSON: " + why);
        }
        if (!(parsed instanceof Map<?, ?> map) || !(map.get("Resources") instanceof Map<?, ?> res) || res.isEmpty()) {
            throw new BadInput("--template-file", file + " is not a CloudFormation template (no Resources section)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = (Map<String, Object>) map;
        return new TemplateSource(text, tree, false);
    }

    /** Tests: a template from a literal body. */
    static TemplateSource ofBody(String body) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = new ObjectMapper(new YAMLFactory()).readValue(body, Map.class);
        return new TemplateSource(body, tree, false);
    }

    public int sizeBytes() {
        return body.getBytes(StandardCharsets.UTF_8).length;
    }

    public boolean inline() {
        return sizeBytes() <= Template.INLINE_BODY_LIMIT_BYTES;
    }

    public Map<String, Param> params() {
        return params;
    }

    public boolean has(String param) {
        return params.containsKey(param);
    }

    /** CAPABILITY_IAM for IAM resources, CAPABILITY_NAMED_IAM when one has a custom name, AUTO_EXPAND for macros. */
    public List<String> capabilities() {
        Set<String> caps = new TreeSet<>();
        Object resources = tree.get("Resources");
        if (resources instanceof Map<?, ?> rs) {
            for (Object r : rs.values()) {
                if (r instanceof Map<?, ?> res && res.get("Type") instanceof String type && type.startsWith("AWS::IAM::")) {
                    caps.add("CAPABILITY_IAM");
                    if (res.get("Properties") instanceof Map<?, ?> props) {
                        for (String named : List.of("RoleName", "InstanceProfileName", "ManagedPolicyName", "GroupName", "UserName")) {
                            if (props.containsKey(named)) {
                                caps.add("CAPABILITY_NAMED_IAM");
                            }
                        }
                    }
                }
            }
        }
        if (tree.containsKey("Transform")) {
            caps.add("CAPABILITY_AUTO_EXPAND");
        }
        return new ArrayList<>(caps);
    }

    /** The RunnerTags output when the template spells it as a literal (vending's do). */
    public String literalOutput(String name) {
        if (tree.get("Outputs") instanceof Map<?, ?> outs && outs.get(name) instanceof Map<?, ?> o && o.get("Value") instanceof String s) {
            return s;
        }
        return null;
    }

    private static Map<String, Param> readParams(Map<String, Object> tree) {
        Map<String, Param> out = new LinkedHashMap<>();
        if (tree.get("Parameters") instanceof Map<?, ?> ps) {
            for (Map.Entry<?, ?> e : ps.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> p) {
                    Object def = p.get("Default");
                    Object noEcho = p.get("NoEcho");
                    out.put(String.valueOf(e.getKey()), new Param(String.valueOf(e.getKey()), String.valueOf(p.get("Type")),
                            def == null ? null : def instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
                                    : String.valueOf(def),
                            noEcho != null && Boolean.parseBoolean(String.valueOf(noEcho))));
                }
            }
        }
        return out;
    }

    static boolean isTokenParam(String name) {
        return FleetTemplate.P_RUNNER_TOKEN.equals(name);
    }
}
