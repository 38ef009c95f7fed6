package dev.vending.cfn;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.emitter.Emitter;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.serializer.Serializer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Writes a template tree as YAML with CloudFormation's short-form tags.
 *
 * <p>Stock Jackson YAML drops tags on scalars, so this builds SnakeYAML nodes directly. A YAML
 * node carries one tag: when an intrinsic's argument is itself an intrinsic (e.g. Base64 of Sub),
 * the inner one is written in long form as a one-key mapping ({@code !Base64 {Fn::Sub: ...}}).
 * Multi-line strings use literal block style so user data stays readable.
 */
public final class YamlTemplateWriter {
    private YamlTemplateWriter() {
    }

    /**
     * Block sequences indented under their key; a template that would then exceed CloudFormation's
     * inline limit is written again with each sequence's "- " at its key's column (the same YAML
     * document, about 2.4 KB smaller for a full template), so it can still be deployed without an S3 bucket.
     */
    public static String write(Map<String, Object> tree) {
        String pretty = write(tree, true);
        if (pretty.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= Template.INLINE_BODY_LIMIT_BYTES) {
            return pretty;
        }
        return write(tree, false);
    }

    static String write(Map<String, Object> tree, boolean indentSequences) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(indentSequences ? 2 : 0);
        options.setIndentWithIndicator(indentSequences);
        options.setWidth(Integer.MAX_VALUE);
        options.setSplitLines(false);
        options.setExplicitStart(false);
        StringWriter out = new StringWriter(16_384);
        // Serializer + Emitter directly: a Yaml instance would also build a representer and a
        // constructor this writer never uses (measurable at CLI start-up).
        Serializer serializer = new Serializer(new Emitter(out, options), new Resolver(), options, null);
        try {
            serializer.open();
            serializer.serialize(node(tree));
            serializer.close();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }

    static Node node(Object value) {
        if (value instanceof Intrinsic fn) {
            return intrinsic(fn);
        }
        if (value instanceof CfnProperty p) {
            return node(p.toCfn());
        }
        if (value instanceof Map<?, ?> map) {
            Ordered.check(map);
            List<NodeTuple> tuples = new ArrayList<>(map.size());
            map.forEach((k, v) -> tuples.add(new NodeTuple(scalar(Tag.STR, String.valueOf(k)), node(v))));
            return new MappingNode(Tag.MAP, tuples, DumperOptions.FlowStyle.BLOCK);
        }
        if (value instanceof List<?> list) {
            List<Node> items = new ArrayList<>(list.size());
            list.forEach(v -> items.add(node(v)));
            return new SequenceNode(Tag.SEQ, items, DumperOptions.FlowStyle.BLOCK);
        }
        if (value instanceof String s) {
            return scalar(Tag.STR, s);
        }
        if (value instanceof Boolean b) {
            return scalar(Tag.BOOL, b.toString());
        }
        if (value instanceof Integer || value instanceof Long) {
            return scalar(Tag.INT, value.toString());
        }
        if (value instanceof Number n) {
            return scalar(Tag.FLOAT, new BigDecimal(n.toString()).toPlainString());
        }
        throw new IllegalArgumentException("not a template value: " + (value == null ? "null" : value.getClass()));
    }

    private static Node intrinsic(Intrinsic fn) {
        Tag tag = new Tag(fn.shortTag());
        Object arg = fn.shortArgument();
        if (arg instanceof Intrinsic inner) {
            // One tag per node: the inner function falls back to long form.
            List<NodeTuple> tuple = List.of(new NodeTuple(scalar(Tag.STR, inner.longName()), node(inner.argument())));
            return new MappingNode(tag, tuple, DumperOptions.FlowStyle.BLOCK);
        }
        Node body = node(arg);
        body.setTag(tag);
        return body;
    }

    private static ScalarNode scalar(Tag tag, String value) {
        DumperOptions.ScalarStyle style = tag.equals(Tag.STR) && value.indexOf('\n') >= 0
                ? DumperOptions.ScalarStyle.LITERAL : DumperOptions.ScalarStyle.PLAIN;
        return new ScalarNode(tag, value, null, null, style);
    }
}
