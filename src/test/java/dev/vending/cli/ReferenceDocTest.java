package dev.vending.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * docs/reference.md is every command's --help, generated from the code. This test fails when the
 * two differ; {@code -Dvending.writeReference=true} rewrites the file.
 */
class ReferenceDocTest {
    static final String REGENERATE = "./mvnw test -Dtest=ReferenceDocTest -Dvending.writeReference=true";

    static String render() {
        CommandLine root = Main.commandLine();
        StringBuilder md = new StringBuilder();
        md.append("# Command reference\n\n");
        md.append("Generated from the code by `ReferenceDocTest` (regenerate: `").append(REGENERATE).append("`).\n");
        md.append("Exit codes for every command: 0 success, 1 AWS or I/O failure (or a failed deployment), ")
                .append("2 bad input (nothing written or changed), 130 interrupted.\n\n");
        md.append("Every command that prints a report takes `--output text|json`; every command that calls AWS takes ")
                .append("`--region`, `--profile` and `--endpoint-url`. `vending help COMMAND` is `vending COMMAND --help`; ")
                .append("tab completion for bash and zsh: `source <(vending generate-completion)`.\n\n");
        md.append("Environment:\n\n| variable | effect |\n|---|---|\n");
        md.append("| `AWS_REGION`, `AWS_DEFAULT_REGION` | the region when `--region` is not given (deploy, status, destroy) |\n");
        md.append("| `AWS_PROFILE`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` | credentials when `--profile` ")
                .append("is not given, as for the AWS CLI |\n");
        md.append("| `AWS_ENDPOINT_URL` | where AWS calls go when `--endpoint-url` is not given (the AWS SDKs' standard variable): ")
                .append("moto, LocalStack, a proxy or VPC endpoint. `--endpoint-url` wins over it. |\n");
        md.append("| `NO_COLOR` | set to anything: no colours, in help or in deploy's progress (colours appear only on a terminal anyway) |\n");
        md.append("| `GITLAB_RUNNER_TOKEN` | the runner token for `deploy` when `--token-file` is not given |\n\n");
        md.append("## vending\n\n```\n").append(root.getUsageMessage(CommandLine.Help.Ansi.OFF)).append("```\n");
        root.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                md.append("\n## vending ").append(name).append("\n\n```\n")
                        .append(sub.getUsageMessage(CommandLine.Help.Ansi.OFF)).append("```\n");
            }
        });
        return md.toString();
    }

    @Test
    void referenceMatchesTheCode() throws Exception {
        Path file = Path.of(System.getProperty("vending.project.dir", "."), "docs", "reference.md");
        String fresh = render();
        if (Boolean.getBoolean("vending.writeReference")) {
            Files.writeString(file, fresh);
        }
        String current = Files.exists(file) ? Files.readString(file) : "";
        assertEquals(current, fresh, "docs/reference.md is stale; regenerate with: " + REGENERATE);
    }
}
