package dev.vending.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.vending.cfn.TemplateFormat;
import dev.vending.easybuttons.Catalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vending catalog}: a Service Catalog portfolio of the easy buttons, as a CloudFormation template. */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = {"Write a CloudFormation template of a Service Catalog portfolio with one product per easy button.",
                "Products load their templates from --template-base-url (where vending publish put them); a launch role",
                "may create what a fleet stack creates, so the principals need no IAM rights of their own."},
        footer = {"", "Exit codes: 0 written, 1 write failure, 2 bad input.", "Docs: docs/publish.md"})
public final class CatalogCommand implements Callable<Integer> {

    @Option(names = "--template-base-url", paramLabel = "URL", required = true,
            description = "S3 URL of the published easy buttons (vending publish prints it, without /README.md).")
    String baseUrl;

    @Option(names = "--principal-arn", paramLabel = "ARN", split = ",",
            description = "IAM user, group or role that may launch the fleets (repeatable; none: the template asks for one).")
    List<String> principals;

    @Option(names = {"-o", "--output-file"}, paramLabel = "FILE", description = "Write the template here (atomically) instead of stdout.")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        AtomicOutput.checkWritable("-o", output);
        String text = TemplateFormat.YAML.render(Catalog.build(baseUrl, principals == null ? List.of() : principals));
        AtomicOutput.write(output, text, spec.commandLine().getOut());
        if (output != null) {
            spec.commandLine().getErr().println("wrote " + output);
        }
        return ExitCodes.OK;
    }
}
