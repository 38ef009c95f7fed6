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
        return resolveHeader(runtime) + body;
    }

    /**
     * What EC2 receives as user data for the same values: the header, then the body as
     * {@link #deliveredBody()} carries it.
     */
    public String userData(Map<String, String> runtime) {
        return resolveHeader(runtime) + deliveredBody();
    }

    /**
     * The body as the launch template carries it. EC2 takes at most 16 KB of user data, so the body
     * travels gzipped and base64-encoded: a Linux instance decodes it to a root-only file and sources
     * it, Windows decodes it in memory and dot-sources it as a script block; either way it runs with
     * the header's variables exactly as if it followed them inline.
     */
    public String deliveredBody() {
        return os == HostOs.LINUX ? Bootstrap.packLinuxBody(body) : Bootstrap.packWindowsBody(body);
    }

    private String resolveHeader(Map<String, String> runtime) {
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
        return out.toString().replace("${!", "${");
    }
}
