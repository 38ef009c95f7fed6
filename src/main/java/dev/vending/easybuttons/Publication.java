package dev.vending.easybuttons;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.vending.cfn.TemplateFormat;
import dev.vending.fleet.FleetTemplate;

/**
 * What {@code vending publish} uploads: every easy button and full template, rendered by this
 * build (so the page, the buttons and the binary agree; the checked-in copies may lag a merge),
 * and the easy-button page whose Quick Create links point at them. Pure.
 */
public final class Publication {
    /** CloudFormation reads a template's bytes whatever its type; text/* lets a browser show it instead of saving it. */
    public static final String YAML = "text/yaml; charset=utf-8";
    public static final String MARKDOWN = "text/markdown; charset=utf-8";

    /** One object to upload: its name under the prefix, its body and its Content-Type. */
    public record File(String name, String body, String contentType) {
    }

    private Publication() {
    }

    /** The command line a published page names as its maker. */
    public static String command(String bucket, String prefix, String region) {
        return "vending publish --bucket " + bucket + (prefix.isEmpty() ? "" : " --prefix " + prefix) + " --region " + region;
    }

    /**
     * The files under {@code baseUrl} (the S3 URL of the prefix), the page last. {@code region} is
     * the console region of the links; {@code command} the one the page names.
     */
    public static List<File> files(String baseUrl, String region, String command) {
        String base = EasyButtons.checkBaseUrl(baseUrl);
        EasyButtons.checkRegion(region);
        List<File> files = new ArrayList<>();
        for (Scenario s : Scenarios.all()) {
            files.add(new File(s.templateFile(), TemplateFormat.YAML.render(FleetTemplate.build(s.spec())), YAML));
        }
        for (FullTemplates.Full f : FullTemplates.all()) {
            files.add(new File(f.file(), f.render(), YAML));
        }
        files.add(new File(Catalog.FILE, Catalog.render(base), YAML));
        files.add(new File(EasyButtons.README, page(base, region, command), MARKDOWN));
        return files;
    }

    static String page(String base, String region, String command) {
        StringBuilder r = new StringBuilder(EasyButtons.readme(base, region, command));
        r.append("\n## Full templates\n\n");
        r.append("Every option CloudFormation can take at deploy time is a parameter; the form asks only for the token\n");
        r.append("and shows the rest with their defaults (VPC and subnets empty: the region's default VPC).\n\n");
        r.append("| Template | Launch |\n|---|---|\n");
        for (FullTemplates.Full f : FullTemplates.all()) {
            String stack = "gitlab-runners-" + f.file().substring(0, f.file().length() - ".yaml".length());
            r.append("| [").append(f.file()).append("](").append(base).append('/').append(f.file()).append("): ").append(f.title())
                    .append(" | [Launch](").append(EasyButtons.quickCreateLink(base + "/" + f.file(), stack, Map.of(), region))
                    .append(") |\n");
        }
        r.append("\n## Service Catalog\n\n");
        r.append("[").append(Catalog.FILE).append("](").append(base).append('/').append(Catalog.FILE)
                .append(") creates a Service Catalog portfolio with one product per easy button above, a launch role that may\n")
                .append("create what a fleet stack creates, and access for one IAM principal (for several, run `vending catalog`).\n")
                .append("People with that access launch fleets from the Service Catalog console without IAM rights of their own.\n")
                .append("[Launch](").append(EasyButtons.quickCreateLink(base + "/" + Catalog.FILE, "vending-catalog", Map.of(), region))
                .append(") it once per account and region.\n");
        return r.toString();
    }
}
