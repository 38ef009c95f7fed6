package dev.vending.easybuttons;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.vending.cfn.Fn;
import dev.vending.cfn.Output;
import dev.vending.cfn.Parameter;
import dev.vending.cfn.Resource;
import dev.vending.cfn.Template;
import dev.vending.cfn.resource.IamRole;
import dev.vending.cfn.resource.PolicyDocument;
import dev.vending.cfn.resource.PolicyDocument.Statement;
import dev.vending.cfn.resource.ServiceCatalog;
import dev.vending.failure.BadInput;
import dev.vending.fleet.FleetTemplate;

/**
 * {@code vending catalog}: a template of a Service Catalog portfolio with one product per easy
 * button (each loading its template from the published URL), a launch role that may create what a
 * fleet stack creates and nothing else, and access for the principals given. A platform team
 * deploys it once; developers launch fleets from the Service Catalog console without IAM rights.
 */
public final class Catalog {
    public static final String FILE = "catalog.yaml";
    public static final String P_PRINCIPAL = "PrincipalArn";
    private static final Pattern PRINCIPAL = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:(user|group|role)/[\\w+=,.@/-]+");

    /**
     * Service Catalog names a product's stack SC-ACCOUNT-pp-ID, and CloudFormation starts generated
     * physical names with the stack name: that prefix scopes what the launch role may touch.
     */
    static final String STACKS = "SC-${AWS::AccountId}-pp-*";

    private Catalog() {
    }

    public static void checkPrincipal(String arn) {
        if (arn == null || !PRINCIPAL.matcher(arn).matches()) {
            throw new BadInput("--principal-arn", "'" + arn + "' is not an IAM user, group or role ARN (arn:aws:iam::123456789012:role/Developers)");
        }
    }

    /**
     * The catalogue template. With no principals it asks for one as a parameter (the published
     * catalog.yaml); each given principal gets its own association.
     */
    public static Template build(String templateBaseUrl, List<String> principals) {
        String base = EasyButtons.checkBaseUrl(templateBaseUrl);
        if (!EasyButtons.isS3(base)) {
            throw new BadInput("--template-base-url", "'" + base + "' is not in Amazon S3; Service Catalog loads templates only from S3 "
                    + "(vending publish puts them there)");
        }
        principals.forEach(Catalog::checkPrincipal);
        Template t = new Template("Service Catalog portfolio of vending's GitLab Runner fleets (easy buttons), with a launch role "
                + "limited to what a fleet stack creates");
        ServiceCatalog.Portfolio portfolio = t.add(new ServiceCatalog.Portfolio("Portfolio", "GitLab Runner fleets", "vending",
                "Preset GitLab Runner fleets on Auto Scaling groups (vending easy buttons)"));
        IamRole role = t.add(launchRole());
        List<Object> principalArns = new ArrayList<>();
        if (principals.isEmpty()) {
            Parameter p = t.add(Parameter.string(P_PRINCIPAL).description("IAM user, group or role that may launch the fleets")
                    .allowedPattern(PRINCIPAL.pattern()).constraintDescription("an IAM user, group or role ARN"));
            principalArns.add(Fn.ref(p));
        } else {
            principalArns.addAll(new LinkedHashSet<>(principals));
        }
        for (int i = 0; i < principalArns.size(); i++) {
            t.add(new ServiceCatalog.PortfolioPrincipalAssociation("Principal" + (i + 1), Fn.ref(portfolio), principalArns.get(i)));
        }
        for (Scenario s : Scenarios.all()) {
            String id = logicalId(s.id());
            ServiceCatalog.CloudFormationProduct product = t.add(new ServiceCatalog.CloudFormationProduct("Product" + id, s.title(), "vending",
                    "GitLab Runner fleet: " + s.title() + ". Asks for the runner token (or its SSM parameter); VPC and subnets are optional (default: the region's default VPC).",
                    "v1", base + "/" + s.templateFile()));
            ServiceCatalog.PortfolioProductAssociation association = t.add(
                    new ServiceCatalog.PortfolioProductAssociation("Association" + id, Fn.ref(portfolio), Fn.ref(product)));
            // Service Catalog refuses a constraint for a product not yet in the portfolio
            t.add(new ServiceCatalog.LaunchRoleConstraint("LaunchConstraint" + id, Fn.ref(portfolio), Fn.ref(product),
                    Fn.getAtt(role, "Arn"), "Launch with the vending fleet role")).dependsOn(association);
        }
        t.add(new Output("PortfolioId", "Service Catalog portfolio of the fleets", Fn.ref(portfolio)));
        t.add(new Output("LaunchRoleArn", "Role Service Catalog creates fleet stacks with", Fn.getAtt(role, "Arn")));
        return t;
    }

    static String logicalId(String id) {
        StringBuilder b = new StringBuilder();
        for (String part : id.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return b.toString();
    }

    /** Every resource type any easy button's stack has. */
    static Set<String> fleetResourceTypes() {
        Set<String> types = new LinkedHashSet<>();
        for (Scenario s : Scenarios.all()) {
            for (Resource r : FleetTemplate.build(s.spec()).resources().values()) {
                types.add(r.type());
            }
        }
        return types;
    }

    private static IamRole launchRole() {
        IamRole role = new IamRole("LaunchRole").description("Service Catalog launches vending fleets with this role: it may create, "
                + "update and delete what a fleet stack holds, named after Service Catalog's stacks")
                .assumeRolePolicy(PolicyDocument.of(new Statement(null, "Allow", Map.of("Service", "servicecatalog.amazonaws.com"),
                        List.of("sts:AssumeRole"), null, null)));
        role.policy("fleet-stacks", launchPolicy(fleetResourceTypes()));
        return role;
    }

    /**
     * The launch role's policy: the stack operations, the product templates Service Catalog
     * keeps, then per resource type of a fleet stack its create, update, read and delete calls,
     * scoped to the stack-name prefix where the service allows resource-level permissions.
     * A resource type without an entry fails the build: a new kind of resource needs its grant here.
     */
    static PolicyDocument launchPolicy(Set<String> types) {
        Map<String, List<Statement>> grants = grantsByType();
        List<Statement> statements = new ArrayList<>();
        statements.add(Statement.allow("Stacks", List.of("cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:DeleteStack",
                "cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents", "cloudformation:DescribeStackResource",
                "cloudformation:DescribeStackResources", "cloudformation:ListStackResources", "cloudformation:GetTemplate",
                "cloudformation:SetStackPolicy", "cloudformation:CreateChangeSet", "cloudformation:DescribeChangeSet",
                "cloudformation:ExecuteChangeSet", "cloudformation:DeleteChangeSet", "cloudformation:ListChangeSets",
                "cloudformation:TagResource", "cloudformation:UntagResource"),
                List.of(Fn.sub("arn:${AWS::Partition}:cloudformation:*:${AWS::AccountId}:stack/" + STACKS + "/*"))));
        statements.add(Statement.allow("Templates", List.of("cloudformation:GetTemplateSummary", "cloudformation:ValidateTemplate"), List.of("*")));
        // the product templates Service Catalog copies into its own bucket, tagged for provisioning
        statements.add(Statement.allow("ProductTemplates", List.of("s3:GetObject"), List.of("*"))
                .withCondition(Map.of("StringEquals", Map.of("s3:ExistingObjectTag/servicecatalog:provisioning", "true"))));
        // parameters of type AWS::SSM::Parameter::Value<...>: the public AMI parameters
        statements.add(Statement.allow("AmiParameters", List.of("ssm:GetParameters"),
                List.of(Fn.sub("arn:${AWS::Partition}:ssm:*::parameter/aws/service/*"))));
        Set<String> added = new LinkedHashSet<>();
        for (String type : types) {
            List<Statement> g = grants.get(type);
            if (g == null) {
                throw new IllegalStateException("the launch role has no grant for " + type + "; add one to Catalog.grantsByType");
            }
            for (Statement s : g) {
                if (added.add(s.sid())) {
                    statements.add(s);
                }
            }
        }
        return new PolicyDocument(statements);
    }

    private static Map<String, List<Statement>> grantsByType() {
        Object groups = Fn.sub("arn:${AWS::Partition}:autoscaling:*:${AWS::AccountId}:autoScalingGroup:*:autoScalingGroupName/" + STACKS);
        Object roles = Fn.sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/" + STACKS);
        Object profiles = Fn.sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:instance-profile/" + STACKS);
        Object buckets = Fn.sub("arn:${AWS::Partition}:s3:::sc-${AWS::AccountId}-pp-*");
        Object logGroups = Fn.sub("arn:${AWS::Partition}:logs:*:${AWS::AccountId}:log-group:/vending/" + STACKS);
        Statement describeGroups = Statement.allow("AutoScalingRead", List.of("autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeScalingActivities", "autoscaling:DescribeLifecycleHooks", "autoscaling:DescribeScheduledActions"), List.of("*"));
        Map<String, List<Statement>> g = new LinkedHashMap<>();
        g.put("AWS::AutoScaling::AutoScalingGroup", List.of(describeGroups,
                Statement.allow("AutoScalingGroups", List.of("autoscaling:CreateAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup",
                        "autoscaling:DeleteAutoScalingGroup", "autoscaling:PutLifecycleHook", "autoscaling:DeleteLifecycleHook",
                        "autoscaling:CreateOrUpdateTags", "autoscaling:DeleteTags", "autoscaling:SetDesiredCapacity",
                        "autoscaling:SuspendProcesses", "autoscaling:ResumeProcesses", "autoscaling:TerminateInstanceInAutoScalingGroup"),
                        List.of(groups)),
                // an Auto Scaling group with a launch template checks that its creator may run those instances
                Statement.allow("LaunchInstances", List.of("ec2:RunInstances", "ec2:CreateTags", "ec2:DescribeLaunchTemplateVersions",
                        "ec2:DescribeInstances", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "ec2:DescribeImages", "ec2:DescribeAvailabilityZones"),
                        List.of("*")),
                Statement.allow("PassInstanceRole", List.of("iam:PassRole"), List.of(roles))
                        .withCondition(Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com"))),
                Statement.allow("AutoScalingServiceRole", List.of("iam:CreateServiceLinkedRole"),
                        List.of(Fn.sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/autoscaling.amazonaws.com/*")))
                        .withCondition(Map.of("StringEquals", Map.of("iam:AWSServiceName", "autoscaling.amazonaws.com")))));
        g.put("AWS::AutoScaling::ScheduledAction", List.of(describeGroups,
                Statement.allow("ScheduledActions", List.of("autoscaling:PutScheduledUpdateGroupAction", "autoscaling:DeleteScheduledAction",
                        "autoscaling:BatchPutScheduledUpdateGroupAction", "autoscaling:BatchDeleteScheduledAction"), List.of(groups))));
        g.put("AWS::AutoScaling::ScalingPolicy", List.of(describeGroups,
                Statement.allow("ScalingPolicies", List.of("autoscaling:PutScalingPolicy", "autoscaling:DeletePolicy"), List.of(groups)),
                Statement.allow("ScalingPoliciesRead", List.of("autoscaling:DescribePolicies"), List.of("*")),
                // a target tracking policy's alarms are made with its creator's rights, named TargetTracking-<group>-...
                Statement.allow("TargetTrackingAlarms", List.of("cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"),
                        List.of(Fn.sub("arn:${AWS::Partition}:cloudwatch:*:${AWS::AccountId}:alarm:TargetTracking-" + STACKS))),
                Statement.allow("AlarmsRead", List.of("cloudwatch:DescribeAlarms"), List.of("*"))));
        g.put("AWS::EC2::LaunchTemplate", List.of(Statement.allow("LaunchTemplates", List.of("ec2:CreateLaunchTemplate",
                "ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate", "ec2:DeleteLaunchTemplate", "ec2:DeleteLaunchTemplateVersions",
                "ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions", "ec2:CreateTags"), List.of("*"))));
        g.put("AWS::EC2::SecurityGroup", List.of(Statement.allow("SecurityGroups", List.of("ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup",
                "ec2:DescribeSecurityGroups", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress",
                "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DescribeVpcs", "ec2:CreateTags"), List.of("*"))));
        g.put("AWS::IAM::Role", List.of(Statement.allow("InstanceRoles", List.of("iam:CreateRole", "iam:DeleteRole", "iam:GetRole",
                "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy",
                "iam:ListRolePolicies", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListAttachedRolePolicies",
                "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole"), List.of(roles))));
        g.put("AWS::IAM::InstanceProfile", List.of(Statement.allow("InstanceProfiles", List.of("iam:CreateInstanceProfile",
                "iam:DeleteInstanceProfile", "iam:GetInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile"),
                List.of(profiles)),
                Statement.allow("PassInstanceRole", List.of("iam:PassRole"), List.of(roles))
                        .withCondition(Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com")))));
        g.put("AWS::Logs::LogGroup", List.of(Statement.allow("LogGroups", List.of("logs:CreateLogGroup", "logs:DeleteLogGroup",
                "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup",
                "logs:ListTagsForResource"), List.of(logGroups)),
                Statement.allow("LogGroupsRead", List.of("logs:DescribeLogGroups"), List.of("*"))));
        g.put("AWS::S3::Bucket", List.of(Statement.allow("CacheBuckets", List.of("s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket",
                "s3:GetBucketLocation", "s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration", "s3:PutBucketPublicAccessBlock",
                "s3:GetBucketPublicAccessBlock", "s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration", "s3:PutBucketTagging",
                "s3:GetBucketTagging", "s3:PutBucketVersioning", "s3:GetBucketVersioning", "s3:PutBucketOwnershipControls",
                "s3:GetBucketOwnershipControls"), List.of(buckets))));
        g.put("AWS::S3::BucketPolicy", List.of(Statement.allow("CacheBucketPolicies", List.of("s3:PutBucketPolicy", "s3:GetBucketPolicy",
                "s3:DeleteBucketPolicy"), List.of(buckets))));
        // the cache emptier and the default-network finder: functions named after the stack, its role passed to Lambda, and its
        // custom resource, which CloudFormation invokes with the caller's rights
        Object functions = Fn.sub("arn:${AWS::Partition}:lambda:*:${AWS::AccountId}:function:" + STACKS);
        g.put("AWS::Lambda::Function", List.of(Statement.allow("Functions", List.of("lambda:CreateFunction",
                "lambda:DeleteFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:UpdateFunctionCode",
                "lambda:UpdateFunctionConfiguration", "lambda:TagResource", "lambda:UntagResource", "lambda:ListTags"), List.of(functions)),
                Statement.allow("PassFunctionRole", List.of("iam:PassRole"), List.of(roles))
                        .withCondition(Map.of("StringEquals", Map.of("iam:PassedToService", "lambda.amazonaws.com")))));
        g.put("Custom::EmptyBucketOnDelete", List.of(Statement.allow("InvokeCacheEmptier", List.of("lambda:InvokeFunction"),
                List.of(functions))));
        // the default-network finder (VPC and subnets left empty): the same function grants, and its invocation
        g.put("Custom::DefaultNetwork", List.of(Statement.allow("InvokeDefaultNetworkFinder", List.of("lambda:InvokeFunction"),
                List.of(functions))));
        // the docker-autoscaler manager: SSH into its workers only, and its setup script as a parameter
        g.put("AWS::EC2::SecurityGroupIngress", List.of(Statement.allow("SecurityGroupIngress", List.of(
                "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DescribeSecurityGroups",
                "ec2:DescribeSecurityGroupRules"), List.of("*"))));
        g.put("AWS::SSM::Parameter", List.of(Statement.allow("SetupParameters", List.of("ssm:PutParameter", "ssm:DeleteParameter",
                "ssm:GetParameter", "ssm:GetParameters", "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:ListTagsForResource"),
                List.of(Fn.sub("arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:parameter/vending/" + STACKS + "/*")))));
        // generated secret names start with the logical id, not the stack: scoped to the account
        g.put("AWS::SecretsManager::Secret", List.of(Statement.allow("TokenSecrets", List.of("secretsmanager:CreateSecret",
                "secretsmanager:DeleteSecret", "secretsmanager:DescribeSecret", "secretsmanager:UpdateSecret", "secretsmanager:PutSecretValue",
                "secretsmanager:TagResource", "secretsmanager:UntagResource"),
                List.of(Fn.sub("arn:${AWS::Partition}:secretsmanager:*:${AWS::AccountId}:secret:*")))));
        return g;
    }

    /** The template file of the published catalogue (asks for one principal). */
    public static String render(String templateBaseUrl) {
        return dev.vending.cfn.TemplateFormat.YAML.render(build(templateBaseUrl, List.of()));
    }
}
