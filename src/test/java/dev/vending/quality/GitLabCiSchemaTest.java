package dev.vending.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * .gitlab-ci.yml validates against GitLab's own CI schema (a copy in src/test/resources), with
 * Python's jsonschema and PyYAML: cfn-lint depends on both, so wherever the lint tests run, this does.
 */
class GitLabCiSchemaTest {
    private static final String VALIDATE = String.join("\n",
            "import json, sys, yaml, jsonschema",
            "schema = json.load(open(sys.argv[1]))",
            "doc = yaml.safe_load(open(sys.argv[2]))",
            "errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=lambda e: list(e.path))",
            "for e in errors: print('/'.join(map(str, e.path)) + ': ' + e.message[:300])",
            "sys.exit(1 if errors else 0)");

    @Test
    void pipelineMatchesGitLabsSchema() throws Exception {
        Path project = Path.of(System.getProperty("vending.project.dir", "."));
        Path schema = project.resolve("src/test/resources/gitlab-ci-schema.json");
        Path ci = project.resolve(".gitlab-ci.yml");
        String available = run("-c", "import yaml, jsonschema");
        if (available != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("python3 with jsonschema and PyYAML is needed under CI (cfn-lint brings them): " + available);
            }
            Assumptions.abort("python3 with jsonschema and PyYAML not available: " + available);
        }
        Process p = new ProcessBuilder("python3", "-c", VALIDATE, schema.toString(), ci.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "validator hung");
        assertEquals(0, p.exitValue(), ".gitlab-ci.yml does not match GitLab's schema:\n" + out);
        String text = Files.readString(ci);
        assertTrue(text.contains("publish-easybuttons:") && text.contains("id_tokens:"), "the publish job and its OIDC token");
    }

    /** Null when the snippet runs, else why not. */
    private static String run(String... args) {
        try {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "python3";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : out.strip();
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
