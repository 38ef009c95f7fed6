package dev.vending.easybuttons;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.vending.cfn.Template;
import dev.vending.cfn.TemplateFormat;
import dev.vending.cost.CostEstimate;
import dev.vending.cost.CostInputs;
import dev.vending.cost.CostReport;
import dev.vending.cost.PriceTable;
import dev.vending.failure.BadInput;
import dev.vending.fleet.FleetSpec;
import dev.vending.fleet.FleetTemplate;

/**
 * Renders the easy buttons: one YAML template per {@link Scenarios scenario} and a README with
 * a table of them and their Quick Create links. Pure: the same arguments give the same bytes.
 */
public final class EasyButtons {
    public static final String DEFAULT_BASE_URL = "https://gitlab.com/vending/vending/-/raw/main/easybuttons";
    public static final String README = "README.md";
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d");
    private static final Pattern S3_HOST = Pattern.compile("(^|.*\\.)s3([.-][a-z0-9-]+)*\\.amazonaws\\.com(\\.cn)?$");

    private EasyButtons() {
    }

    /** What {@link #render} produced: file name to content, and scenarios this build cannot generate. */
    public record Result(Map<String, String> files, List<String> skipped) {
    }

    /** The command line that regenerates the checked-in easybuttons/ directory. */
    public static String command(String outDir, String baseUrl, String region) {
        return "vending easybuttons --out " + outDir + " --template-base-url " + baseUrl + " --region " + region;
    }

    public static String checkBaseUrl(String baseUrl) {
        String url = baseUrl == null ? "" : baseUrl.strip();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new BadInput("--template-base-url", "'" + baseUrl + "' is not a URL");
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
            throw new BadInput("--template-base-url", "'" + baseUrl
                    + "' must be an https:// URL without query or fragment, e.g. https://my-bucket.s3.amazonaws.com/easybuttons");
        }
        return url;
    }

    /** CloudFormation reads a templateURL only from Amazon S3 (or an SSM document). */
    public static boolean isS3(String baseUrl) {
        String host = URI.create(baseUrl).getHost();
        return host != null && S3_HOST.matcher(host.toLowerCase(Locale.ROOT)).matches();
    }

    public static void checkRegion(String region) {
        if (region == null || !REGION.matcher(region).matches()) {
            throw new BadInput("--region", "'" + region + "' is not an AWS region name (e.g. us-east-1)");
        }
    }

    public static Result render(String baseUrl, String region, String outDirForCommand) {
        String base = checkBaseUrl(baseUrl);
        checkRegion(region);
        Map<String, String> files = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        Map<Scenario, String> generated = new LinkedHashMap<>();
        for (Scenario s : Scenarios.all()) {
            Template t;
            try {
                t = FleetTemplate.build(s.spec());
            } catch (IllegalStateException e) {
                // A bootstrap script not in this build yet (the Windows one arrives separately).
                if (e.getMessage() != null && e.getMessage().startsWith("missing bootstrap resource")) {
                    skipped.add(s.id() + ": " + e.getMessage());
                    continue;
                }
                throw e;
            }
            String yaml = TemplateFormat.YAML.render(t);
            files.put(s.templateFile(), yaml);
            generated.put(s, yaml);
        }
        files.put(README, readme(base, region, generated, skipped, command(outDirForCommand, base, region)));
        return new Result(files, skipped);
    }

    public static String quickCreateLink(Scenario s, String baseUrl, String region) {
        StringBuilder u = new StringBuilder("https://").append(region).append(".console.aws.amazon.com/cloudformation/home?region=")
                .append(region).append("#/stacks/create/review?templateURL=").append(baseUrl).append('/').append(s.templateFile())
                .append("&stackName=").append(s.stackName());
        new TreeMap<>(s.prefill()).forEach((k, v) -> u.append("&param_").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return u.toString();
    }

    static String readme(String base, String region, Map<Scenario, String> generated, List<String> skipped, String command) {
        PriceTable prices = PriceTable.bundled();
        StringBuilder r = new StringBuilder();
        r.append("# Easy buttons\n\n");
        r.append("<!-- Generated by `").append(command).append("`. Do not edit: change\n");
        r.append("     src/main/java/dev/vending/easybuttons/ and run that command again (a test compares). -->\n\n");
        r.append("Preset GitLab Runner fleets, one CloudFormation template each, made by `vending easybuttons`\n");
        r.append("from the same code as `vending generate`. Click **Launch** to open the template in the\n");
        r.append("CloudFormation console's Quick Create form in ").append(region).append(" (switch the region in the\n");
        r.append("console's header to deploy elsewhere), then fill in:\n\n");
        r.append("- **Runner token**: the `glrt-...` token of a runner you created in GitLab (or, instead, the name of\n");
        r.append("  an SSM SecureString parameter holding it); one of the two is required.\n");
        r.append("- **VPC** and **Subnets**: the region's default VPC and its subnets work.\n\n");
        r.append("Every other parameter has a default. Tick the IAM acknowledgement (the stack creates the\n");
        r.append("runners' instance role) and create the stack.\n\n");
        r.append("**Template location.** CloudFormation only opens a `templateURL` stored in Amazon S3. The links\n");
        r.append("below point at ").append(base).append("/.\n");
        if (!generated.isEmpty() && !isS3(base)) {
            r.append("That is not an S3 URL, so the console rejects these links until the maintainers publish the files to\n");
            r.append("an S3 bucket the project owns and regenerate this page with `--template-base-url https://<bucket>.s3.amazonaws.com/easybuttons`.\n");
            r.append("Until then, download a **template** and choose *Upload a template file* in the console's *Create stack* page.\n");
        }
        r.append('\n');
        r.append("| Easy button | OS | Arch | Executor | Purchase | Runners | Scaling | Instance types | Schedule | $/runner-hour On-Demand | $/runner-hour as configured | Launch | Template |\n");
        r.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (var e : generated.entrySet()) {
            Scenario s = e.getKey();
            FleetSpec f = s.spec();
            String[] cost = costCells(f, region, prices);
            r.append("| ").append(s.title())
                    .append(" | ").append(f.os() == dev.vending.fleet.OperatingSystem.WINDOWS ? "Windows Server 2022" : "Amazon Linux 2023")
                    .append(" | ").append(f.arch().awsName())
                    .append(" | ").append(f.runner().executor().id())
                    .append(" | ").append(f.purchase().describe())
                    .append(" | ").append(f.capacity().desired())
                    .append(" | ").append(scalingCell(f))
                    .append(" | ").append(String.join(", ", f.instanceTypes()))
                    .append(" | ").append(f.schedule() == null ? "always on"
                            : "`" + f.schedule().startCron() + "` to `" + f.schedule().stopCron() + "` " + f.schedule().timeZone())
                    .append(" | ").append(cost[0]).append(" | ").append(cost[1])
                    .append(" | [Launch](").append(quickCreateLink(s, base, region)).append(')')
                    .append(" | [").append(s.templateFile()).append("](").append(s.templateFile()).append(") |\n");
        }
        r.append('\n');
        if (!skipped.isEmpty()) {
            r.append("Not generated in this build (the command skipped them):\n\n");
            skipped.forEach(s -> r.append("- ").append(s).append('\n'));
            r.append('\n');
        }
        r.append("Costs are per instance-hour in ").append(region).append(" from vending's bundled price table of ").append(prices.date())
                .append(":\nOn-Demand is the list price of the first instance type (Windows includes the licence); \"as configured\"\n")
                .append("blends in the table's *estimated* Spot price for the fleet's Spot share. They leave out EBS, data transfer\n")
                .append("and the cache bucket. For a fleet's cost per week and its savings against an always-on runner, run\n")
                .append("`vending cost` with the same options (see [docs/cost.md](../docs/cost.md)).\n\n");
        r.append("## How these map to the old vending machine's easy buttons\n\n");
        r.append("| Easy button | Replaces |\n|---|---|\n");
        for (Scenario s : Scenarios.all()) {
            r.append("| ").append(s.id()).append(" | ").append(s.replaces()).append(" |\n");
        }
        r.append("\nThe old \"CPU autoscaling\" buttons are succeeded by the *elastic* ones: target tracking between\n");
        r.append("MinRunners and MaxRunners. On Linux they track job slots (running jobs / concurrency, which the\n");
        r.append("instance watcher publishes once a minute, and busy runners are protected from scale-in); on Windows\n");
        r.append("they track CPU, because the Windows watcher publishes no job-slot metric. A group at 0 instances\n");
        r.append("publishes no metric and cannot see a queue, so MinRunners stays at 1 or more (see\n");
        r.append("[docs/scaling.md](../docs/scaling.md)). Amazon Linux 2 became Amazon Linux 2023, Windows Server 2019 became 2022,\n");
        r.append("a1.large became m7g.large, and the Spot type lists are the catalogue's diversified current-generation lists.\n\n");
        r.append("Schedules are in UTC: the Quick Create form cannot change a template's time zone. For another zone,\n");
        r.append("generate your own template, e.g. `vending generate --spot --schedule-start \"0 8 * * 1-5\" --schedule-stop \"0 18 * * 1-5\" --timezone Europe/Berlin`.\n\n");
        r.append("Routing jobs: tag Spot-tolerant jobs `computetype-spot` and the rest `computetype-ondemand`; with a\n");
        r.append("`glrt-` token the tags live in GitLab, so use one runner (token) per purchase option. See\n");
        r.append("[docs/choosing-spot-or-on-demand.md](../docs/choosing-spot-or-on-demand.md).\n");
        return r.toString();
    }

    private static String scalingCell(FleetSpec f) {
        if (f.scaling() == null) {
            return "fixed" + (f.schedule() == null ? "" : " + schedule");
        }
        String metric = f.scaling().metric() == dev.vending.fleet.Scaling.Metric.JOBS ? "job slots " + f.scaling().target() + "%"
                : "CPU " + f.scaling().target() + "% (no job-slot metric on " + f.os().id() + ")";
        return metric + ", " + f.capacity().min() + "-" + f.capacity().max();
    }

    private static String[] costCells(FleetSpec f, String region, PriceTable prices) {
        try {
            CostReport c = CostEstimate.estimate(f, CostInputs.defaults().withRegion(region), prices);
            String configured = String.format(Locale.ROOT, "$%.4f", c.blendedPrice()) + (f.purchase().usesSpot() ? " (Spot estimated)" : "");
            return new String[] {String.format(Locale.ROOT, "$%.4f", c.onDemandPrice()), configured};
        } catch (BadInput e) {
            return new String[] {"no price in table", "no price in table"};
        }
    }
}
