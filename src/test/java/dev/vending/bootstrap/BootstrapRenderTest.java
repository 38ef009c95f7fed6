package dev.vending.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.vending.fleet.BootstrapValues;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.OperatingSystem;

class BootstrapRenderTest {
    private static final Pattern REF = Pattern.compile("\\$\\{([^}]*)}");

    static Stream<FleetSpec> shapes() {
        return Scripts.allShapes().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void rendersCompleteScriptsWithoutSecretsUnderTheUserDataLimit(FleetSpec spec) {
        RenderedScript script = BootstrapValues.render(spec);
        String resolved = script.resolve(Scripts.runtime(spec));
        String what = Scripts.describe(spec);

        assertFalse(resolved.contains("@@"), what + ": unresolved @@ placeholder");
        int bytes = script.userData(Scripts.runtime(spec)).getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes < Bootstrap.USER_DATA_LIMIT - 1024, what + ": " + bytes + " bytes leaves less than 1 KB below 16 KB");
        // No token can be in user data: only the source it is read from.
        assertFalse(Pattern.compile("glrt-[A-Za-z0-9_-]{8,}").matcher(resolved).find(), what + ": a runner token in user data");
        assertFalse(Pattern.compile("GR1348941[A-Za-z0-9_-]+").matcher(resolved).find(), what + ": a registration token in user data");
        assertTrue(resolved.contains(Scripts.TOKEN_PARAMETER), what + ": token source missing");
        // Generate-time values landed, quoted.
        String q = Bootstrap.quote("team-platform,build.large,k8s:deploy", BootstrapValues.hostOs(spec.os()));
        assertTrue(resolved.contains(q), what + ": user tags missing");
        assertTrue(resolved.contains(Bootstrap.quote("17.5.2", BootstrapValues.hostOs(spec.os()))), what + ": runner version missing");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void headerReferencesOnlyTheDocumentedRuntimeVariables(FleetSpec spec) {
        RenderedScript script = BootstrapValues.render(spec);
        Set<String> refs = new HashSet<>();
        Matcher m = REF.matcher(script.header());
        while (m.find()) {
            refs.add(m.group(1));
        }
        Set<String> allowed = new HashSet<>(Bootstrap.runtimeVariables(BootstrapValues.hostOs(spec.os())));
        allowed.add("AWS::Region");
        allowed.add("AWS::StackName");
        assertEquals(allowed, refs, "the template's Fn::Sub maps exactly these");
        assertFalse(script.body().isEmpty());
    }

    @Test
    void windowsUserDataIsOnePowershellBlock() {
        for (FleetSpec spec : Scripts.allShapes()) {
            if (spec.os() != OperatingSystem.WINDOWS) {
                continue;
            }
            String s = BootstrapValues.render(spec).resolve(Scripts.runtime(spec));
            assertTrue(s.startsWith("<powershell>\n"), "opening tag first, before any assignment");
            assertTrue(s.stripTrailing().endsWith("</powershell>"), "closing tag last");
            assertEquals(1, s.split("<powershell>", -1).length - 1);
            assertTrue(s.contains("$VendingDrainLimit = '" + dev.vending.fleet.RunnerSettings.DEFAULT_DRAIN_SECONDS + "'"));
            assertTrue(s.contains("Set-Content -Encoding UTF8 -Path \"$Data\\watcher.ps1\" -Value @'\n$ErrorActionPreference = 'Stop'"),
                    "the watcher is embedded as a here-string");
        }
    }

    @Test
    void linuxUserDataUnpacksToTheBodyAndRunsItWithTheHeadersVariables() throws Exception {
        RenderedScript script = BootstrapValues.render(Scripts.allShapes().get(0));
        String delivered = script.deliveredBody();
        assertTrue(delivered.length() < script.body().length() * 3 / 4, "packed body is not smaller: " + delivered.length() + " of " + script.body().length());
        // The delivery lines as the instance runs them, with the unpacked file redirected into a
        // temporary directory and the body replaced by a probe that shows what it sees.
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("vending-unpack");
        try {
            java.nio.file.Path file = dir.resolve("bootstrap.sh");
            String unpack = delivered.replace(Bootstrap.LINUX_BODY_FILE, file.toString());
            unpack = unpack.substring(0, unpack.lastIndexOf(". " + file));
            Process p = new ProcessBuilder("bash", "-c", unpack + "stat -c %a " + file).start();
            String mode = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertEquals(0, p.waitFor());
            assertEquals(script.body(), java.nio.file.Files.readString(file), "unpacked body differs from the rendered body");
            assertEquals("600", mode, "the unpacked body must be root-only");
            String probe = "VENDING_FLEET=probe-fleet\n" + "umask 077\n"
                    + "base64 -d <<'VENDING_BODY' | gzip -dc >" + file + "\n"
                    + java.util.Base64.getMimeEncoder().encodeToString(gzip("echo \"sees $VENDING_FLEET\"\n")) + "\nVENDING_BODY\n"
                    + ". " + file + "\n";
            Process q = new ProcessBuilder("bash", "-c", probe).start();
            assertEquals("sees probe-fleet", new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        } finally {
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        assertTrue(delivered.endsWith(". " + Bootstrap.LINUX_BODY_FILE + "\n"));
    }

    @Test
    void windowsUserDataUnpacksToTheBodyInsideOnePowershellBlock() {
        FleetSpec spec = FleetSpec.builder().os(OperatingSystem.WINDOWS).build();
        RenderedScript script = BootstrapValues.render(spec);
        String delivered = script.deliveredBody();
        assertTrue(delivered.length() < script.body().length() * 3 / 4, "packed body is not smaller");
        assertTrue(delivered.endsWith("\n</powershell>\n"));
        Matcher m = Pattern.compile("FromBase64String\\(@'\n([A-Za-z0-9+/=\n]+?)\n'@\\)").matcher(delivered);
        assertTrue(m.find(), delivered);
        // decoded as .NET's FromBase64String does (line breaks skipped), then gunzipped
        String unpacked = Bootstrap.gunzipForTest(m.group(1));
        assertEquals(script.body().stripTrailing().replaceFirst("</powershell>$", ""), unpacked);
        assertTrue(delivered.contains(". ([scriptblock]::Create("), "dot-sourced: runs with the header's variables");
    }

    private static byte[] gzip(String text) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void linuxEmbedsTheWatcherAndShutdownScriptsVerbatim() {
        FleetSpec spec = Scripts.allShapes().get(0);
        String body = BootstrapValues.render(spec).body();
        assertTrue(body.contains("<<'VENDING_EOF'\n" + Bootstrap.compact(Bootstrap.resource("linux-watcher.sh")) + "VENDING_EOF\n"));
        assertTrue(body.contains("<<'VENDING_EOF'\n" + Bootstrap.compact(Bootstrap.resource("linux-unregister-on-shutdown.sh"))
                + "VENDING_EOF\n"));
        assertTrue(body.contains("#!/bin/bash\n"), "shebangs stay");
        assertFalse(body.contains("\n#  - "), "comments go");
    }

    @Test
    void rendersFromWhatItIsGivenEscapingLiteralSubReferences() {
        for (HostOs os : HostOs.values()) {
            Map<Placeholder, String> values = new EnumMap<>(Placeholder.class);
            for (Placeholder p : Placeholder.values()) {
                values.put(p, "v-" + p.name());
            }
            values.put(Placeholder.USER_TAGS, "${AWS::AccountId}");
            RenderedScript script = Bootstrap.render(os, values, Map.of(Placeholder.CONCURRENCY, "${Concurrency}"));
            assertEquals(os, script.os());
            // a value's own "${" reaches the instance as written (Fn::Sub's escape), a deploy-time one is a reference
            assertTrue(script.header().contains(Bootstrap.quote("${!AWS::AccountId}", os)), os + ": " + script.header());
            assertTrue(script.header().contains(Bootstrap.quote("${Concurrency}", os)), os + ": " + script.header());
            assertFalse(script.header().contains("v-CONCURRENCY"), os.name());
            assertTrue(script.header().contains(Bootstrap.quote("v-RUNNER_VERSION", os)), os.name());
            values.remove(Placeholder.RUNNER_VERSION);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Bootstrap.render(os, values, Map.of()));
            assertTrue(e.getMessage().contains("@@RUNNER_VERSION@@"), e.getMessage());
        }
    }

    @Test
    void quotingKeepsHostileValuesData() {
        assertEquals("'a'\"'\"'b'", Bootstrap.quote("a'b", HostOs.LINUX));
        assertEquals("'a''b'''", Bootstrap.quote("a'b\u2019", HostOs.WINDOWS));
    }
}
