package dev.vending.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Packages depend one way, read from the main sources' imports and fully qualified references:
 * a bootstrap that read FleetSpec, a fleet that reached into cost, or a deploy that used cli fails here.
 */
class PackageDependenciesTest {
    private static final Path MAIN = Path.of("src", "main", "java", "dev", "vending");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.vending\\.([a-z]+)\\.");

    /** Each package and the other vending packages it may use: no two use each other, only cli uses cli. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "failure", Set.of(),
            "cfn", Set.of("failure"),
            "bootstrap", Set.of(),
            "fleet", Set.of("failure", "cfn", "bootstrap"),
            "cost", Set.of("failure", "cfn", "fleet"),
            "easybuttons", Set.of("failure", "cfn", "fleet", "cost"),
            "deploy", Set.of("failure", "cfn", "fleet"),
            "cli", Set.of("failure", "cfn", "bootstrap", "fleet", "cost", "easybuttons", "deploy"));

    @Test
    void lowerPackagesUseOnlyThoseBelowThem() throws IOException {
        Map<String, Set<String>> uses = uses();
        assertEquals(ALLOWED.keySet(), uses.keySet(), "a new package needs its place here");
        Map<String, Set<String>> beyond = new TreeMap<>();
        ALLOWED.forEach((pkg, allowed) -> {
            Set<String> extra = new TreeSet<>(uses.get(pkg));
            extra.removeAll(allowed);
            if (!extra.isEmpty()) {
                beyond.put(pkg, extra);
            }
        });
        assertEquals(Map.of(), beyond, "packages using what they must not");
    }

    /** Package to the other vending packages its main sources name. */
    private static Map<String, Set<String>> uses() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(f).getName(0).toString();
                Set<String> used = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        used.add(m.group(1));
                    }
                }
            }
        }
        return uses;
    }
}
