package dev.vending.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.vending.easybuttons.EasyButtons;
import dev.vending.failure.BadInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vending easybuttons}: the preset templates and their README with Quick Create links. */
@Command(name = "easybuttons", mixinStandardHelpOptions = true,
        description = {"Write one CloudFormation template per preset fleet and a README.md table with Quick Create links.",
                "Maintainers: regenerate the checked-in easybuttons/ with",
                // two lines that fit the help's 80 columns, so the command can be pasted as shown
                "  vending easybuttons --template-base-url \\",
                "    " + EasyButtons.DEFAULT_BASE_URL + " \\",
                "    --out easybuttons/ --region us-east-1"})
public final class EasyButtonsCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory to write into (created if missing).")
    String out;

    @Option(names = "--template-base-url", paramLabel = "URL", required = true,
            description = "Where the templates will be published (the links' templateURL); CloudFormation needs an S3 URL.")
    String baseUrl;

    @Option(names = "--region", paramLabel = "REGION", defaultValue = "us-east-1",
            description = "Region of the Quick Create links and the prices (default: ${DEFAULT-VALUE}).")
    String region;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (out.isBlank()) {
            throw new BadInput("--out", "directory name is empty");
        }
        Path dir = Path.of(out);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BadInput("--out", "'" + out + "' is a file; give a directory");
        }
        // the README names the command with --out as typed, so the same arguments give the same bytes
        Map<String, String> files = EasyButtons.render(baseUrl, region, out);
        Files.createDirectories(dir);
        for (Map.Entry<String, String> f : files.entrySet()) {
            AtomicOutput.writeFile(dir.resolve(f.getKey()), f.getValue());
        }
        var err = spec.commandLine().getErr();
        if (!EasyButtons.isS3(EasyButtons.checkBaseUrl(baseUrl))) {
            err.println("warning: CloudFormation opens a templateURL only from Amazon S3; the Quick Create links work once the templates "
                    + "are published to an S3 URL given as --template-base-url");
        }
        err.println("wrote " + files.size() + " files to " + out);
        return ExitCodes.OK;
    }
}
