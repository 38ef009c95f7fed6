package dev.vending.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bash completion script, sourced in a real bash and asked what it offers after an option. */
class CompletionTest {
    @TempDir
    static Path dir;

    static Path script() throws Exception {
        Path file = dir.resolve("vending-completion.bash");
        if (!Files.exists(file)) {
            CliRun r = CliRun.of("generate-completion");
            assertEquals(0, r.exitCode(), r.err());
            Files.writeString(file, r.out());
        }
        return file;
    }

    /** What bash's COMPREPLY holds for the command line, completing its last (possibly empty) word. */
    static List<String> complete(String line) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || System.getenv("CI") != null, "no bash");
        String[] words = (line + (line.endsWith(" ") ? "''" : "")).split(" ");
        String bash = "source '" + script() + "'\n"
                + "COMP_WORDS=(" + String.join(" ", words) + ")\n"
                + "COMP_CWORD=" + (words.length - 1) + "\n"
                + "COMP_LINE=\"" + line + "\"; COMP_POINT=${#COMP_LINE}\n"
                + "_complete_vending\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process p = new ProcessBuilder("bash", "-c", bash).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).sorted().toList();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "vending generate --arch      | arm64 x86_64",
        "vending generate --os        | linux windows",
        "vending deploy --os          | linux windows",
        "vending generate --executor  | docker docker-autoscaler shell",
        "vending cost --executor      | docker docker-autoscaler shell",
        "vending generate --cache     | none s3",
        "vending generate --format    | json yaml",
        "vending cost --output        | json text",
        "vending deploy --output      | json text",
        "vending status --output      | json text",
        "vending destroy --output     | json text",
    })
    void enumeratedOptionsOfferTheirValues(String line, String values) throws Exception {
        assertEquals(List.of(values.trim().split(" ")), complete(line.trim() + " "));
    }

    @Test
    void aPrefixNarrowsTheValuesAndOptionsComplete() throws Exception {
        assertEquals(List.of("x86_64"), complete("vending generate --arch x"));
        assertEquals(List.of("--arch"), complete("vending generate --ar"));
        assertTrue(complete("vending ").containsAll(List.of("generate", "deploy", "cost", "help")));
    }
}
