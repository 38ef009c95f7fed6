package dev.vending.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads CloudFormation YAML the way CloudFormation does: short-form tags become their long-form
 * one-key maps ({@code !Sub x -> {Fn::Sub: x}}, {@code !GetAtt A.B -> {Fn::GetAtt: [A, B]}}).
 * Written independently of the production writer so tests check it from the outside.
 */
public final class CfnYaml {
    private CfnYaml() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> load(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(10_000_000);
        Node root = new Yaml(options).compose(new java.io.StringReader(yaml));
        return (Map<String, Object>) convert(root);
    }

    /** The tags as written, in document order (e.g. "!Ref", "!Sub"); for asserting short form. */
    public static List<String> tags(String yaml) {
        List<String> tags = new ArrayList<>();
        collect(new Yaml().compose(new java.io.StringReader(yaml)), tags);
        return tags;
    }

    private static void collect(Node node, List<String> out) {
        String tag = node.getTag().getValue();
        if (tag.startsWith("!")) {
            out.add(tag);
        }
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                collect(t.getKeyNode(), out);
                collect(t.getValueNode(), out);
            }
        } else if (node instanceof SequenceNode s) {
            s.getValue().forEach(n -> collect(n, out));
        }
    }

    private static Object convert(Node node) {
        Object plain = plain(node);
        String tag = node.getTag().getValue();
        if (!tag.startsWith("!")) {
            return plain;
        }
        String name = tag.substring(1);
        String longName = name.equals("Ref") || name.equals("Condition") ? name : "Fn::" + name;
        if (name.equals("GetAtt") && plain instanceof String s) {
            int dot = s.indexOf('.');
            plain = List.of(s.substring(0, dot), s.substring(dot + 1));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(longName, plain);
        return m;
    }

    private static Object plain(Node node) {
        if (node instanceof MappingNode m) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                map.put(((ScalarNode) t.getKeyNode()).getValue(), convert(t.getValueNode()));
            }
            return map;
        }
        if (node instanceof SequenceNode s) {
            List<Object> list = new ArrayList<>();
            s.getValue().forEach(n -> list.add(convert(n)));
            return list;
        }
        ScalarNode s = (ScalarNode) node;
        String tag = s.getTag().getValue();
        if (tag.endsWith(":int")) {
            return Long.parseLong(s.getValue());
        }
        if (tag.endsWith(":bool")) {
            return Boolean.parseBoolean(s.getValue());
        }
        if (tag.endsWith(":float")) {
            return Double.parseDouble(s.getValue());
        }
        return s.getValue();
    }

    /** Navigates a loaded template: path elements are map keys or list indexes. */
    @SuppressWarnings("unchecked")
    public static <T> T at(Object root, Object... path) {
        Object cur = root;
        for (Object p : path) {
            if (cur instanceof Map<?, ?> m) {
                cur = m.get(p);
            } else if (cur instanceof List<?> l) {
                cur = l.get((Integer) p);
            } else {
                throw new AssertionError("cannot go to " + p + " in " + cur);
            }
            if (cur == null) {
                throw new AssertionError("no " + p + " on path " + java.util.Arrays.toString(path));
            }
        }
        return (T) cur;
    }
}
