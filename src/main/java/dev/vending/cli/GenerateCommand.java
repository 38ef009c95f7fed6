package dev.vending.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.vending.cfn.Template;
import dev.vending.cfn.TemplateFormat;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.FleetTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vending generate}: prints or writes the fleet's CloudFormation template. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write the CloudFormation template of a runner fleet (stdout unless -o).")
public final class GenerateCommand implements Callable<Integer> {

    @Mixin
    FleetOptions fleet;

    @Option(names = {"-o", "--output-file"}, paramLabel = "FILE", description = "Write the template here (atomically) instead of stdout.")
    Path output;

    @Option(names = "--format", paramLabel = "FORMAT", completionCandidates = Completions.TemplateFormats.class, description = "yaml or json (default: ${DEFAULT-VALUE}).", defaultValue = "yaml")
    String format;

    @Option(names = "--all-parameters", description = "The full template: every option CloudFormation can take at deploy time "
            + "becomes a parameter (defaults from the flags), for use without vending.")
    boolean allParameters;

    @Option(names = {"-q", "--quiet"}, description = "No advice or cost estimate on stderr (warnings and the 'wrote' line stay).")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TemplateFormat fmt = TemplateFormats.parse(format);
        AtomicOutput.checkWritable("-o", output);
        FleetSpec fleetSpec = fleet.toSpec();
        Template template = FleetTemplate.build(fleetSpec, allParameters);
        String text = fmt.render(template);
        int size = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        AtomicOutput.write(output, text, spec.commandLine().getOut());
        // advice after the output is safely written, so a failed write stays a one-line error
        PrintWriter err = spec.commandLine().getErr();
        if (size > Template.INLINE_BODY_LIMIT_BYTES) {
            err.println("warning: template is " + size + " bytes, over CloudFormation's "
                    + Template.INLINE_BODY_LIMIT_BYTES + "-byte inline limit; deploy it through S3 (--s3-bucket)");
        }
        if (!quiet) {
            FleetNotes.print(fleetSpec, dev.vending.cost.CostInputs.DEFAULT_REGION, err);
        }
        if (output != null) {
            err.println("wrote " + output + " (" + size + " bytes)");
        }
        return ExitCodes.OK;
    }
}
