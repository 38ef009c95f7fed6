package dev.vending.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the per-OS bootstrap scripts kept as resources next to this class.
 *
 * <p>Generate-time values (executor, concurrency, tags, versions) replace explicit
 * {@code @@NAME@@} placeholders in the header resource, shell- or PowerShell-quoted. Deploy-time
 * values stay as {@code ${Name}} references for CloudFormation's Fn::Sub. The token is never a
 * value here: instances fetch it at boot from {@code TokenSource}.
 */
public final class Bootstrap {
    /** Names the template must map in its Fn::Sub of the header (besides AWS:: pseudo parameters). */
    public static final List<String> RUNTIME_VARIABLES = List.of(
            "GitLabUrl", "TokenSource", "AsgName", "LaunchHookName", "TerminateHookName", "SignalResource", "CacheBucket", "LogGroup");
    /** The Linux watcher's scaling settings: CloudWatch namespace of the job-slot metric ('' = do not publish), protect busy runners ('' = no). */
    public static final List<String> LINUX_SCALING_VARIABLES = List.of("MetricNamespace", "ProtectBusy");

    /** Names the template must map in its Fn::Sub of this OS's header. */
    public static List<String> runtimeVariables(HostOs os) {
        if (os == HostOs.WINDOWS) {
            return RUNTIME_VARIABLES;
        }
        List<String> all = new java.util.ArrayList<>(RUNTIME_VARIABLES);
        all.addAll(LINUX_SCALING_VARIABLES);
        return List.copyOf(all);
    }

    public static final String LAUNCH_HOOK = "vending-launch";
    public static final String TERMINATE_HOOK = "vending-drain";


    /** How often the watcher heartbeats while draining; the terminating hook's HeartbeatTimeout must exceed it. */
    public static final int HEARTBEAT_SECONDS = 120;

    /** EC2 refuses user data above 16 KB (before base64). */
    public static final int USER_DATA_LIMIT = 16 * 1024;

    private Bootstrap() {
    }

    /**
     * Renders the script for {@code os}. {@code values} gives every placeholder's generate-time
     * value (quoted into the header as data); {@code deployTime} replaces some of them with Fn::Sub
     * text such as {@code ${Concurrency}} (the full template's parameters, whose AllowedPattern
     * keeps quotes out).
     */
    public static RenderedScript render(HostOs os, Map<Placeholder, String> values, Map<Placeholder, String> deployTime) {
        Map<Placeholder, String> filled = new EnumMap<>(Placeholder.class);
        // The header goes through Fn::Sub: a literal "${" must reach the instance as written
        // ("${!" is Sub's escape), so no fleet value can ever become a template reference.
        values.forEach((k, v) -> filled.put(k, v.replace("${", "${!")));
        filled.putAll(deployTime);
        String header = fill(resource(os.header()), filled, os);
        String body = compact(include(resource(os.body())));
        return new RenderedScript(os, header, body);
    }

    /** Where the Linux instance writes the unpacked bootstrap body before sourcing it. */
    public static final String LINUX_BODY_FILE = "/run/vending-bootstrap.sh";

    /**
     * The Linux body as user data: gzipped (deterministically: java.util.zip writes no time stamp or
     * name) and base64-encoded on one line, with the lines that unpack and source it. About a third
     * of its plain size; base64's alphabet has no {@code $}, quote or heredoc terminator.
     */
    static String packLinuxBody(String body) {
        return "umask 077\n"
                + "base64 -d <<'VENDING_BODY' | gzip -dc >" + LINUX_BODY_FILE + "\n"
                + gzipBase64(body) + "\nVENDING_BODY\n"
                + ". " + LINUX_BODY_FILE + "\n";
    }

    /** The closing tag of Windows user data, which stays outside the packed body. */
    static final String WINDOWS_END = "</powershell>";

    /**
     * The Windows body as user data, packed like the Linux one ({@link #packLinuxBody}); .NET's
     * Convert.FromBase64String reads the one-line base64, and GZipStream is part of Windows PowerShell 5.1.
     */
    static String packWindowsBody(String body) {
        String script = body.stripTrailing();
        if (!script.endsWith(WINDOWS_END)) {
            throw new IllegalStateException("the Windows body must end with " + WINDOWS_END);
        }
        script = script.substring(0, script.length() - WINDOWS_END.length());
        return "$VendingBody = [Convert]::FromBase64String(@'\n" + gzipBase64(script) + "\n'@)\n"
                + "$VendingBody = New-Object IO.Compression.GZipStream((New-Object IO.MemoryStream(,$VendingBody)), "
                + "[IO.Compression.CompressionMode]::Decompress)\n"
                + ". ([scriptblock]::Create((New-Object IO.StreamReader($VendingBody)).ReadToEnd()))\n"
                + WINDOWS_END + "\n";
    }

    /** The text of a {@link #gzipBase64} block (for tests that read user data as an instance does). */
    static String gunzipForTest(String block) {
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(
                new java.io.ByteArrayInputStream(java.util.Base64.getMimeDecoder().decode(block)))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deterministic gzip (java.util.zip writes no time stamp or name), base64 on one line: GNU base64 -d and
     * .NET's FromBase64String need no line breaks, and a template indents every line of a block (14 spaces
     * per 76 characters in a full template), which cost about 2.5 KB of the 51,200-byte inline limit.
     */
    static String gzipBase64(String text) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bytes) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
            }
        }) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return java.util.Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /**
     * Replaces each {@code @@INCLUDE:name@@} in a body with the resource {@code name} (a script the
     * bootstrap writes to disk, e.g. the termination watcher), without its trailing newline, and each
     * {@code @@PART:name@@} with the resource {@code name} as code of the body itself (shared by two
     * scripts; its own includes are replaced too).
     */
    static String include(String body) {
        return markers(body, token -> {
            if (token.startsWith("PART:")) {
                return include(resource(token.substring("PART:".length())).stripTrailing());
            }
            if (!token.startsWith("INCLUDE:")) {
                return null;
            }
            String name = token.substring("INCLUDE:".length());
            String file = resource(name).stripTrailing();
            if (file.contains("VENDING_EOF") || file.contains("\n'@")) {
                throw new IllegalStateException(name + " must not contain a heredoc or here-string terminator");
            }
            return file;
        });
    }

    /**
     * Drops blank lines, whole-line comments (but not {@code #!} lines) and indentation from a body: user data is
     * limited to 16 KB, and the commented originals are the resources in the repository.
     */
    static String compact(String body) {
        // a plain loop: this runs on every generate, and a cold regex over 16 KB costs milliseconds
        StringBuilder out = new StringBuilder(body.length());
        int start = 0;
        while (start < body.length()) {
            int end = body.indexOf('\n', start);
            if (end < 0) {
                out.append(body, start, body.length());
                break;
            }
            String trimmed = body.substring(start, end).strip();
            if (!trimmed.isEmpty() && !(trimmed.startsWith("#") && !trimmed.startsWith("#!"))) {
                // indentation goes too: neither bash nor PowerShell needs it, and no script has a multi-line string
                out.append(trimmed).append('\n');
            }
            start = end + 1;
        }
        return out.toString();
    }

    static String fill(String text, Map<Placeholder, String> values, HostOs os) {
        return markers(text, token -> {
            if (!isPlaceholderName(token)) {
                return null;
            }
            String value = values.get(placeholder(token));
            if (value == null) {
                throw new IllegalStateException("bootstrap placeholder @@" + token + "@@ has no value");
            }
            return quote(value, os);
        });
    }

    private static Placeholder placeholder(String token) {
        try {
            return Placeholder.valueOf(token);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("bootstrap placeholder @@" + token + "@@ is not a Placeholder");
        }
    }

    private static boolean isPlaceholderName(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return !token.isEmpty();
    }

    /**
     * Replaces each {@code @@TOKEN@@} for which {@code replacement} returns non-null. A plain scan
     * rather than a regex: it runs on every generate, where cold regex matching costs milliseconds.
     */
    static String markers(String text, java.util.function.Function<String, String> replacement) {
        StringBuilder out = new StringBuilder(text.length() + 1024);
        int from = 0;
        while (true) {
            int open = text.indexOf("@@", from);
            int close = open < 0 ? -1 : text.indexOf("@@", open + 2);
            if (close < 0) {
                return out.append(text, from, text.length()).toString();
            }
            String value = replacement.apply(text.substring(open + 2, close));
            if (value == null) {
                out.append(text, from, open + 2);
                from = open + 2;
            } else {
                out.append(text, from, open).append(value);
                from = close + 2;
            }
        }
    }

    /**
     * Single-quotes a value for bash or PowerShell. Values are validated upstream, but quoting here
     * means no value can ever become code.
     */
    public static String quote(String value, HostOs os) {
        if (os == HostOs.WINDOWS) {
            // PowerShell: '' escapes ' inside single quotes; also the typographic quotes it honours
            return "'" + value.replaceAll("['\u2018\u2019\u201A\u201B]", "''") + "'";
        }
        return "'" + value.replace("'", "'\"'\"'") + "'";
    }

    static String resource(String name) {
        try (InputStream in = Bootstrap.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing bootstrap resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
