package dev.vending.cfn;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;

/** Writes a template tree as pretty JSON; intrinsics are always in long form there. */
public final class JsonTemplateWriter {
    private JsonTemplateWriter() {
    }

    public static String write(Map<String, Object> tree) {
        StringWriter out = new StringWriter(32_768);
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
                    .withSeparators(com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER))
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"));
            pp.indentArraysWith(new DefaultIndenter("  ", "\n"));
            g.setPrettyPrinter(pp);
            value(g, tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append('\n').toString();
    }

    private static void value(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Intrinsic fn) {
            g.writeStartObject();
            g.writeFieldName(fn.longName());
            value(g, fn.argument());
            g.writeEndObject();
        } else if (v instanceof CfnProperty p) {
            value(g, p.toCfn());
        } else if (v instanceof Map<?, ?> map) {
            Ordered.check(map);
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                value(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                value(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            g.writeNumber(new BigDecimal(n.toString()));
        } else {
            throw new IllegalArgumentException("not a template value: " + (v == null ? "null" : v.getClass()));
        }
    }
}
