package dev.vending.fleet;

import java.util.List;
import java.util.Map;

import dev.vending.cfn.Condition;
import dev.vending.cfn.Fn;
import dev.vending.cfn.Intrinsic;
import dev.vending.cfn.Parameter;
import dev.vending.cfn.Rule;
import dev.vending.cfn.Template;
import dev.vending.cfn.resource.CustomResource;
import dev.vending.cfn.resource.IamRole;
import dev.vending.cfn.resource.LambdaFunction;
import dev.vending.cfn.resource.LogGroup;
import dev.vending.cfn.resource.PolicyDocument;
import dev.vending.cfn.resource.PolicyDocument.Statement;

/**
 * VpcId and SubnetIds may be left empty (the Quick Create form then needs only the token): the stack
 * then finds the region's default VPC and its default subnets (DefaultForAz) itself, with a custom
 * resource whose Lambda function (inline Python, {@code default_network.py}) asks EC2 and answers
 * CloudFormation. A region without a default VPC, or a default VPC without default subnets, fails the
 * custom resource with a Reason saying to choose a VPC and subnets, which the stack events show.
 * The function, its role and the custom resource exist only when the parameters are empty; a Rule
 * refuses one of the two given without the other (the console shows its message before anything is created).
 */
final class DefaultNetwork {
    static final String CONDITION = "FindDefaultNetwork";
    static final String RULE = "SubnetsNeedTheirVpc";
    static final String RULE_SUBNETS = "VpcNeedsSubnets";
    static final String ROLE = "DefaultNetworkRole";
    static final String FUNCTION = "DefaultNetworkFunction";
    static final String RESOURCE = "DefaultNetwork";
    /** DescribeVpcs and DescribeSubnets have no resource types: "*" is the only Resource they take. */
    static final List<String> ACTIONS = List.of("ec2:DescribeVpcs", "ec2:DescribeSubnets");

    private final Condition find;

    private DefaultNetwork(Condition find) {
        this.find = find;
    }

    /** The condition and the rule over the two parameters (the resources come with {@link #addLookup}). */
    static DefaultNetwork declare(Template t, Parameter vpc, Parameter subnets) {
        Condition find = t.add(new Condition(CONDITION, Fn.equalTo(Fn.ref(vpc), "")));
        Intrinsic vpcEmpty = Fn.equalTo(Fn.ref(vpc), "");
        Intrinsic subnetsEmpty = Fn.equalTo(Fn.ref(subnets), "");
        // both or neither: two rules, each asserting the other is empty when one is
        t.add(new Rule(RULE, vpcEmpty, List.of(new Rule.Assertion(subnetsEmpty,
                "Subnets given without their VPC: give both, or neither for the default VPC."))));
        t.add(new Rule(RULE_SUBNETS, subnetsEmpty, List.of(new Rule.Assertion(vpcEmpty,
                "VPC given without subnets: give both, or neither for the default VPC."))));
        return new DefaultNetwork(find);
    }

    /** The VPC the stack uses: the parameter, or the one found. */
    Intrinsic vpcId(Parameter vpc) {
        return Fn.ifThen(find, attribute("VpcId"), Fn.ref(vpc));
    }

    /** The subnets as a list (VPCZoneIdentifier): the parameter's, or the ones found. */
    Intrinsic subnetIds(Parameter subnets) {
        return Fn.split(",", Fn.ifThen(find, attribute("SubnetIds"), Fn.ref(subnets)));
    }

    /** An attribute of the custom resource, named before the resource is added (it needs the log group). */
    private static Intrinsic attribute(String name) {
        return new Intrinsic("Fn::GetAtt", List.of(RESOURCE, name));
    }

    /** The function, its role and the custom resource, all only when the parameters are empty. */
    void addLookup(Template t, LogGroup logs) {
        // no descriptions or tags on these three: the template's size is close to the inline limit
        IamRole role = new IamRole(ROLE)
                .assumeRolePolicy(PolicyDocument.of(new Statement(null, "Allow", Map.of("Service", "lambda.amazonaws.com"),
                        List.of("sts:AssumeRole"), null, null)));
        role.policy("find-default-network", PolicyDocument.of(
                Statement.allow("DescribeNetwork", ACTIONS, List.of("*")),
                Statement.allow("Logs", List.of("logs:CreateLogStream", "logs:PutLogEvents"), List.of(Fn.getAtt(logs, "Arn")))));
        t.add(role).onlyIf(find);

        LambdaFunction function = new LambdaFunction(FUNCTION)
                .runtime(CacheEmptier.RUNTIME).handler("index.handler").architecture("arm64").memoryMiB(128)
                .timeoutSeconds(60).role(Fn.getAtt(role, "Arn")).logGroup(Fn.ref(logs))
                .zipFile(CacheEmptier.compact(CacheEmptier.code("default_network.py")));
        t.add(function).onlyIf(find);

        // ServiceTimeout (1 to 3600 s, default 3600): a function killed at its 60 s timeout never answers, and
        // CloudFormation would otherwise wait an hour before failing the stack
        t.add(new CustomResource(RESOURCE, "DefaultNetwork", Fn.getAtt(function, "Arn")).property("ServiceTimeout", 120)).onlyIf(find);
    }
}
