package dev.vending.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.vending.cost.CostEstimate;
import dev.vending.cost.CostInputs;
import dev.vending.cost.CostReport;
import dev.vending.cost.ElasticCost;
import dev.vending.cost.PriceTable;
import dev.vending.cost.SpotPriceSource;
import dev.vending.failure.BadInput;
import dev.vending.failure.Failure;
import dev.vending.fleet.FleetSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vending cost}: what a fleet costs per week and year, and what it saves against an always-on On-Demand runner. */
@Command(name = "cost", mixinStandardHelpOptions = true,
        description = "Estimate a fleet's cost per week and year at On-Demand and Spot prices, against an always-on "
                + "On-Demand x86 baseline, with the savings from schedule, instance type, arm64 and Spot (docs/cost.md).")
public final class CostCommand implements Callable<Integer> {

    @Mixin
    FleetOptions fleet;

    @Option(names = "--hours-per-week", paramLabel = "H",
            description = "Hours per week the fleet is up (default: counted from --schedule-start/--schedule-stop, else 168).")
    Double hoursPerWeek;

    @Option(names = "--busy-hours-per-week", paramLabel = "H",
            description = "Elastic fleets (--scale-on): hours per week the CI load keeps the group near --max; the rest of "
                    + "the up hours it runs at its minimum.")
    Double busyHoursPerWeek;

    @Option(names = "--region", paramLabel = "REGION", defaultValue = CostInputs.DEFAULT_REGION,
            description = "Price region (default: ${DEFAULT-VALUE}). The bundled table covers us-east-1, us-west-2, eu-west-1, eu-central-1.")
    String region;

    @Option(names = "--price", paramLabel = "USD", description = "On-Demand price per instance-hour of the fleet's first instance type.")
    Double price;

    @Option(names = "--spot-price", paramLabel = "USD", description = "Spot price per instance-hour (default: the table's estimate).")
    Double spotPrice;

    @Option(names = "--arm-factor", paramLabel = "F", defaultValue = "0.64",
            description = "Share of x86 instance-hours arm64 needs for the same work (default: ${DEFAULT-VALUE}, from the GitLab blog).")
    double armFactor;

    @Option(names = "--baseline-type", paramLabel = "TYPE", defaultValue = CostInputs.DEFAULT_BASELINE,
            description = "Always-on On-Demand x86 Linux instance to compare with (default: ${DEFAULT-VALUE}).")
    String baselineType;

    @Option(names = "--live-prices", description = {"Take the current Spot price from EC2 DescribeSpotPriceHistory (needs AWS credentials).",
            "On-Demand prices stay from the bundled table: the AWS Pricing API is not in this build."})
    boolean livePrices;

    @Mixin
    AwsAccessOptions aws;

    @Option(names = "--output", paramLabel = "FORMAT", completionCandidates = Completions.Output.class,
            description = "text or json: one JSON document on stdout (default: text).")
    String output;

    /** The name before --output (issue 10); still accepted, no longer shown. */
    @Option(names = "--format", paramLabel = "FORMAT", hidden = true, completionCandidates = Completions.Output.class,
            description = "Deprecated spelling of --output.")
    String format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        boolean json = json();
        if (livePrices && spotPrice != null) {
            throw new BadInput("--live-prices", "cannot be combined with --spot-price (choose one source of the Spot price)");
        }
        if (!livePrices && aws.given()) {
            throw new BadInput(aws.profile != null ? "--profile" : "--endpoint-url",
                    "only used with --live-prices (the bundled price table needs no AWS access)");
        }
        String endpointUrl = aws.endpointUrl();
        FleetSpec fleetSpec = fleet.toSpec();
        if (busyHoursPerWeek != null && !fleetSpec.elastic()) {
            throw new BadInput("--busy-hours-per-week", "applies to elastic fleets only (--scale-on); use --hours-per-week");
        }
        Double spot = spotPrice;
        String spotFrom = null;
        if (livePrices && fleetSpec.purchase().usesSpot()) {
            try {
                SpotPriceSource.Quote q = SpotPriceSource.live(aws.profile(), endpointUrl).current(region, fleetSpec.instanceTypes().get(0), fleetSpec.os());
                spot = q.price();
                spotFrom = q.description();
            } catch (SpotPriceSource.LookupFailed e) {
                String m = e.getMessage();
                throw new Failure(Failure.Kind.AWS, m.length() > 240 ? m.substring(0, 240) + "... (--verbose for details)" : m, e);
            }
        }
        CostInputs inputs = new CostInputs(region, hoursPerWeek, price, spot, armFactor, baselineType, spotFrom);
        CostReport report = CostEstimate.estimate(fleetSpec, inputs, PriceTable.bundled());
        ElasticCost elastic = fleetSpec.elastic() ? ElasticCost.estimate(fleetSpec, report, busyHoursPerWeek) : null;
        if (format != null) { // once every check has passed: bad input stays one line
            spec.commandLine().getErr().println("warning: --format is the old name of --output; it still works, but use --output");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(report, elastic));
        } else {
            out.print(report.render());
            if (elastic != null) {
                out.print("\n" + elastic.render());
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** --output, or the deprecated --format; both given must agree. */
    private boolean json() {
        if (output != null && format != null && !output.trim().equalsIgnoreCase(format.trim())) {
            throw new BadInput("--format", "is the old name of --output; give only --output");
        }
        String flag = output != null || format == null ? "--output" : "--format";
        String value = output != null ? output : format != null ? format : "text";
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> false;
            case "json" -> true;
            default -> throw new BadInput(flag, "unknown format '" + value + "' (expected text or json)");
        };
    }

    static String json(CostReport report, ElasticCost elastic) {
        java.util.Map<String, Object> m = report.toJson();
        if (elastic != null) {
            m.put("elastic", elastic.toJson());
        }
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
