package dev.vending.bootstrap;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bootstrap script split in two: {@code header}, whose {@code ${Name}} references CloudFormation
 * fills in at deploy time (Fn::Sub with {@link Bootstrap#RUNTIME_VARIABLES}), and {@code body},
 * copied verbatim (so the script's own {@code ${var}} needs no escaping).
 */
public record RenderedScript(HostOs os, String header, String body) {
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z0-9:]+)}");

    /**
     * The script as an instance would receive it, given values for the deploy-time references
     * (and Fn::Sub's {@code ${!} escape turned back into a literal {@code ${}).
     */
    public String resolve(Map<String, String> runtime) {
        Matcher m = REF.matcher(header);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = runtime.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for ${" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString().replace("${!", "${") + body;
    }
}
