package dev.vending.cli;

import java.util.List;
import java.util.concurrent.Callable;

import dev.vending.deploy.DeployContext;
import dev.vending.deploy.PublishRequest;
import dev.vending.deploy.PublishResult;
import dev.vending.deploy.Publisher;
import dev.vending.easybuttons.Publication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vending publish}: the easy buttons, full templates and their Quick Create page in your S3 bucket. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Upload the easy buttons and full templates to your S3 bucket with a page of Quick Create links.",
                "Writes s3://BUCKET/PREFIX/README.md beside them and checks that every link on it finds its object.",
                "Private unless --public."},
        footer = {"", "Exit codes: 0 published (or checked), 1 AWS failure or a link without its object, 2 bad input.",
                "Docs: docs/publish.md"})
public final class PublishCommand implements Callable<Integer> {

    @Mixin
    AwsOptions aws;

    @Option(names = "--bucket", paramLabel = "BUCKET", required = true, description = "An existing S3 bucket of yours.")
    String bucket;

    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "vending",
            description = "Key prefix the files go under (default: ${DEFAULT-VALUE}; \"\" for the bucket's root).")
    String prefix;

    @Option(names = "--public", description = "Also let everyone read PREFIX/* (one bucket policy statement), after checking Block Public Access.")
    boolean publicRead;

    @Option(names = "--check", description = "Upload nothing: check that every link on the page already at PREFIX/README.md finds its object.")
    boolean check;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var settings = aws.settings(true, null);
        String cleanPrefix = Publisher.checkInput(bucket, prefix, publicRead);
        if (check && publicRead) {
            throw new dev.vending.failure.BadInput("--check", "checks only; it cannot be combined with --public");
        }
        DeployContext context = DeployContext.current();
        DeployConsole console = new DeployConsole(spec.commandLine().getOut(), spec.commandLine().getErr(), settings.json(), context);
        PublishRequest request = new PublishRequest(bucket, cleanPrefix, publicRead, check, site -> {
            String command = Publication.command(bucket, cleanPrefix, site.consoleRegion());
            List<PublishRequest.PublishedFile> files = new java.util.ArrayList<>();
            for (Publication.File f : Publication.files(site.baseUrl(), site.consoleRegion(), command)) {
                files.add(new PublishRequest.PublishedFile(f.name(), f.body(), f.contentType()));
            }
            return files;
        });
        PublishResult result = new Publisher(settings, context, console).publish(request);
        console.published(result);
        return ExitCodes.OK;
    }
}
