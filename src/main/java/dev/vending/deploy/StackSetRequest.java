package dev.vending.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.vending.failure.BadInput;
import dev.vending.fleet.FleetTemplate;
import software.amazon.awssdk.regions.Region;

/**
 * Everything `vending deploy --regions` was asked, as plain values: the stack set's name and template,
 * the regions, the accounts (self-managed permissions) or organizational units (service-managed), and
 * per-region parameter values. {@link #check()} refuses bad input before any AWS call.
 */
public record StackSetRequest(String name, TemplateSource template, List<String> regions, List<String> accounts, List<String> orgUnits,
        Map<String, Map<String, String>> regionParameters, Path tokenFile, Map<String, String> parameters, Map<String, String> tags,
        String s3Bucket) {

    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    /** CloudFormation's pattern for DeploymentTargets.OrganizationalUnitIds: an OU, or the organization's root. */
    private static final Pattern ORG_UNIT = Pattern.compile("ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32}");

    /** Service-managed: CloudFormation creates instances in every account of the OUs, and in accounts added to them later. */
    public boolean serviceManaged() {
        return !orgUnits.isEmpty();
    }

    /** The request with its lists checked and de-duplicated; bad input is one line and exit 2. */
    public StackSetRequest check() {
        if (regions.isEmpty()) {
            throw new BadInput("--regions", "give at least one region, e.g. --regions us-east-1,eu-west-1");
        }
        Set<String> known = new LinkedHashSet<>();
        for (Region r : Region.regions()) {
            if (!r.isGlobalRegion()) {
                known.add(r.id());
            }
        }
        List<String> cleanRegions = distinct("--regions", regions);
        for (String r : cleanRegions) {
            if (!known.contains(r)) {
                throw new BadInput("--regions", "'" + r + "' is not an AWS region (e.g. us-east-1, eu-west-1, ap-southeast-2)");
            }
        }
        if (!accounts.isEmpty() && !orgUnits.isEmpty()) {
            throw new BadInput("--accounts", "give --accounts (self-managed permissions) or --org-units (service-managed), not both");
        }
        List<String> cleanAccounts = distinct("--accounts", accounts);
        for (String a : cleanAccounts) {
            if (!ACCOUNT.matcher(a).matches()) {
                throw new BadInput("--accounts", "'" + a + "' is not an AWS account id (12 digits)");
            }
        }
        List<String> cleanUnits = distinct("--org-units", orgUnits);
        for (String ou : cleanUnits) {
            if (!ORG_UNIT.matcher(ou).matches()) {
                throw new BadInput("--org-units", "'" + ou + "' is not an organizational unit id (ou-xxxx-xxxxxxxx) or root id (r-xxxx)");
            }
        }
        for (Map.Entry<String, Map<String, String>> e : regionParameters.entrySet()) {
            if (!cleanRegions.contains(e.getKey())) {
                throw new BadInput("--region-parameter", "region " + e.getKey() + " is not one of --regions " + String.join(",", cleanRegions));
            }
            for (String key : e.getValue().keySet()) {
                if (!template.has(key)) {
                    throw new BadInput("--region-parameter", "the template has no parameter '" + key + "' (it has "
                            + String.join(", ", template.params().keySet()) + ")");
                }
                if (FleetTemplate.P_RUNNER_TOKEN.equals(key)) {
                    throw new BadInput("--region-parameter", FleetTemplate.P_RUNNER_TOKEN + " would keep the token in the stack set's parameters; "
                            + "give it with --token-file or " + RunnerToken.ENV);
                }
            }
        }
        for (String region : cleanRegions) {
            Map<String, String> given = new java.util.HashMap<>(parameters);
            given.putAll(regionParameters.getOrDefault(region, Map.of()));
            String subnets = given.get(FleetTemplate.P_SUBNETS);
            if (subnets != null && !subnets.isBlank() && !given.containsKey(FleetTemplate.P_VPC)) {
                // the default VPC would be paired with subnets of another VPC, and no template rule can see that
                throw new BadInput("--region-parameter", "SubnetIds given for " + region + " without their VpcId; give "
                        + region + ":VpcId=VPC_ID (or --parameter VpcId=VPC_ID) too");
            }
        }
        if (!cleanUnits.isEmpty() && template.has(FleetTemplate.P_TOKEN_PARAMETER) && !parameters.containsKey(FleetTemplate.P_TOKEN_PARAMETER)) {
            throw new BadInput("--org-units", "vending cannot store the runner token in the accounts of an organizational unit (auto-deployment "
                    + "adds accounts later, and vending has no role in them); store it as an SSM SecureString in every target account and region "
                    + "and pass --parameter " + FleetTemplate.P_TOKEN_PARAMETER + "=NAME");
        }
        if (!cleanUnits.isEmpty() && tokenFile != null) {
            throw new BadInput("--token-file", "with --org-units the token is yours to store in each account (--parameter "
                    + FleetTemplate.P_TOKEN_PARAMETER + "=NAME); vending does not send it anywhere");
        }
        return new StackSetRequest(name, template, cleanRegions, cleanAccounts, cleanUnits, regionParameters, tokenFile, parameters, tags,
                s3Bucket);
    }

    private static List<String> distinct(String flag, List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            String s = v == null ? "" : v.trim();
            if (s.isEmpty()) {
                throw new BadInput(flag, "has an empty entry");
            }
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }
}
