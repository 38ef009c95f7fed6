package dev.vending.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vending.bootstrap.Bootstrap;
import dev.vending.bootstrap.Placeholder;
import dev.vending.bootstrap.RenderedScript;
import dev.vending.cfn.Condition;
import dev.vending.cfn.Fn;
import dev.vending.cfn.Intrinsic;
import dev.vending.cfn.Output;
import dev.vending.cfn.Parameter;
import dev.vending.cfn.Rule;
import dev.vending.cfn.Template;
import dev.vending.cfn.resource.AutoScalingGroup.InstancesDistribution;
import dev.vending.cfn.resource.AutoScalingGroup.LifecycleHookSpecification;
import dev.vending.cfn.resource.AutoScalingGroup.MixedInstancesPolicy;
import dev.vending.cfn.resource.AutoScalingGroup;
import dev.vending.cfn.resource.IamRole;
import dev.vending.cfn.resource.InstanceProfile;
import dev.vending.cfn.resource.LaunchTemplate;
import dev.vending.cfn.resource.LogGroup;
import dev.vending.cfn.resource.PolicyDocument.Statement;
import dev.vending.cfn.resource.PolicyDocument;
import dev.vending.cfn.resource.S3Bucket;
import dev.vending.cfn.resource.S3BucketPolicy;
import dev.vending.cfn.resource.ScheduledAction;
import dev.vending.cfn.resource.Secret;
import dev.vending.cfn.resource.SecurityGroup;
import dev.vending.cfn.resource.Tag;

/**
 * The one place that turns a {@link FleetSpec} into a CloudFormation template.
 *
 * <p>Deploy-time choices (GitLab URL, token, network, counts, AMI) are parameters so the same
 * template works from the console's Quick Create form; everything the flags decide is fixed here.
 */
public final class FleetTemplate {
    public static final String P_GITLAB_URL = "GitLabUrl";
    public static final String P_RUNNER_TOKEN = "RunnerToken";
    public static final String P_TOKEN_PARAMETER = "RunnerTokenParameterName";
    public static final String P_VPC = "VpcId";
    public static final String P_SUBNETS = "SubnetIds";
    public static final String P_RUNNER_COUNT = "RunnerCount";
    public static final String P_MIN = "MinRunners";
    public static final String P_MAX = "MaxRunners";
    /** MinRunners' values, 0 to {@link Capacity#LIMIT} (5000), each written one way only. */
    static final String MIN_RUNNERS_PATTERN = "^(0|[1-9][0-9]{0,2}|[1-4][0-9]{3}|5000)$";
    public static final String P_IMAGE = "ImageId";

    public static final String ASG = "RunnerGroup";
    /** docker-autoscaler only: logical id of the worker group. */
    public static final String WORKER_ASG = "WorkerGroup";
    /** Logical id of the --alarm-topic-arn alarm (CloudFormation names it; status reads the name from the stack's resources). */
    public static final String IN_SERVICE_ALARM = InServiceAlarm.ALARM;
    public static final String OUT_ASG = "AutoScalingGroupName";
    public static final String OUT_ROLE = "InstanceRoleArn";
    public static final String OUT_CACHE = "CacheBucketName";
    public static final String OUT_TAGS = "RunnerTags";
    public static final String OUT_LOG_GROUP = "LogGroupName";
    /** docker-autoscaler only: the worker group the runner manager sizes. */
    public static final String OUT_WORKER_ASG = "WorkerGroupName";

    /** Longest a runner may drain on scale-in before the instance goes anyway (the watcher heartbeats). */
    public static final int DRAIN_HEARTBEAT_SECONDS = 600;
    public static final int LAUNCH_TIMEOUT_SECONDS = 900;
    /** Windows installs (CloudWatch agent MSI, Git, AWS Tools) are slower. */
    public static final int WINDOWS_LAUNCH_TIMEOUT_SECONDS = 1800;
    public static final int LOG_RETENTION_DAYS = 30;
    public static final int CACHE_EXPIRY_DAYS = 14;

    private FleetTemplate() {
    }

    public static Template build(FleetSpec spec) {
        return build(spec, false);
    }

    /**
     * @param allParameters the "full template": every fleet option that CloudFormation can take at
     *                      deploy time becomes a parameter (or a condition), defaulting to the spec's value
     */
    public static Template build(FleetSpec spec, boolean allParameters) {
        if (spec.autoscaler() != null) {
            return AutoscalerFleetTemplate.build(spec, allParameters);
        }
        Template t = new Template(allParameters ? fullDescription(spec) : description(spec));

        String gCapacity = "Capacity";
        Connection c = connection(t, spec);
        Parameter url = c.url();
        Parameter token = c.token();
        Parameter tokenParam = c.tokenParam();
        Parameter count = t.add(Parameter.number(P_RUNNER_COUNT).group(gCapacity).label("Runner instances")
                .description("Desired number of runner instances" + (spec.schedule() != null ? " until the first scheduled start or stop" : ""))
                .defaultValue(spec.capacity().desired()).minValue(0).maxValue(Capacity.LIMIT));
        // A String with one spelling per number (0 to Capacity.LIMIT, no sign, no leading zero, no fraction): the rule
        // ScalingCanScaleOut compares it with '0' as text, which a Number parameter would pass as typed ("00", "+0").
        Parameter min = t.add(Parameter.string(P_MIN).group(gCapacity).label("Minimum instances")
                .description("Fewest instances the group keeps (0 to " + Capacity.LIMIT + ")")
                .defaultValue(Integer.toString(spec.capacity().min())).allowedPattern(MIN_RUNNERS_PATTERN)
                .constraintDescription("a whole number from 0 to " + Capacity.LIMIT + ", written without leading zeros or a sign"));
        Parameter max = t.add(Parameter.number(P_MAX).group(gCapacity).label("Maximum instances")
                .description("Most instances the group may run; keep it above the runner count, since rolling updates "
                        + "launch new runners before draining old ones")
                .defaultValue(spec.capacity().max()).minValue(UpdateBatches.lowestMax(spec, allParameters)).maxValue(Capacity.MAX_LIMIT));
        Parameter image = t.add(imageParameter(spec));

        FleetValues k = allParameters ? FleetValues.parameters(t, spec) : FleetValues.fixed(spec);
        Elasticity elastic = allParameters ? Elasticity.parameters(t, spec) : Elasticity.fixed(spec);

        Shared shared = shared(t, spec, k, elastic, url, token, tokenParam);
        Condition createSecret = shared.createSecret();
        List<Tag> fleetTags = shared.fleetTags();
        Secret secret = shared.secret();
        LogGroup logs = shared.logs();
        S3Bucket cache = shared.cache();
        IamRole role = shared.role();
        InstanceProfile profile = shared.profile();
        c.defaultNetwork().addLookup(t, logs);

        SecurityGroup sg = new SecurityGroup("RunnerSecurityGroup")
                .groupDescription("vending runners: no inbound, outbound to GitLab, package mirrors and AWS APIs")
                .vpcId(c.vpcId())
                .egress(new SecurityGroup.Egress("All outbound IPv4", "-1", null, null, "0.0.0.0/0", null))
                .egress(new SecurityGroup.Egress("All outbound IPv6", "-1", null, null, null, "::/0"));
        fleetTags.forEach(sg::tag);
        t.add(sg);

        LaunchTemplate lt = new LaunchTemplate("RunnerLaunchTemplate")
                .imageId(Fn.ref(image))
                .instanceProfileArn(Fn.getAtt(profile, "Arn"))
                .securityGroupId(Fn.getAtt(sg, "GroupId"))
                .metadataHopLimit(k.hopLimit())
                .rootVolume(spec.os().rootDeviceName(), k.volumeSize())
                .rootVolumeKmsKeyId(spec.security().kmsKeyArn())
                .userData(userData(spec, k, elastic, createSecret, tokenParam, secret, logs, cache));
        lt.instanceTag(new Tag("Name", Fn.sub("${AWS::StackName}-runner")));
        fleetTags.forEach(lt::instanceTag);
        lt.instanceTag(new Tag("vending:gitlab-url", Fn.ref(url)));
        lt.instanceTag(new Tag("vending:runner-tags", k.runnerTags()));
        t.add(lt);

        int launchTimeout = spec.os() == OperatingSystem.WINDOWS ? WINDOWS_LAUNCH_TIMEOUT_SECONDS : LAUNCH_TIMEOUT_SECONDS;
        // Each new instance signals SUCCESS once registered and past its launch hook (FAILURE only when the fleet's
        // bootstraps fail systematically, docs/lifecycle.md): creation and every update batch wait for those
        // signals, PauseTime is their timeout.
        String timeout = "PT" + (launchTimeout / 60) + "M";
        UpdateBatches rolling = UpdateBatches.of(spec, t, allParameters, gCapacity);
        AutoScalingGroup asg = new AutoScalingGroup(ASG)
                .minSize(Fn.ref(min))
                .maxSize(Fn.ref(max))
                .desiredCapacity(Fn.ref(count))
                .vpcZoneIdentifier(c.subnetIds())
                .mixedInstancesPolicy(new MixedInstancesPolicy(Fn.ref(lt), Fn.getAtt(lt, "LatestVersionNumber"),
                        k.instanceTypes(), new InstancesDistribution(k.onDemandBase(), k.onDemandPercentAboveBase(), "prioritized",
                        k.spotStrategy())))
                .healthCheckType("EC2")
                .healthCheckGracePeriod(launchTimeout)
                .lifecycleHook(new LifecycleHookSpecification(Bootstrap.LAUNCH_HOOK, LifecycleHookSpecification.LAUNCHING,
                        launchTimeout, "ABANDON"))
                .lifecycleHook(new LifecycleHookSpecification(Bootstrap.TERMINATE_HOOK, LifecycleHookSpecification.TERMINATING,
                        DRAIN_HEARTBEAT_SECONDS, "CONTINUE"))
                .metricsCollection(List.of("GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances",
                        "GroupTerminatingInstances"))
                .rollingUpdate(rolling.minInService(), rolling.batch(), UpdateBatches.MIN_SUCCESSFUL_PERCENT, timeout, true,
                        List.of("HealthCheck", "ReplaceUnhealthy", "AZRebalance", "AlarmNotification", "ScheduledActions"))
                // creation waits for one signal per runner the group starts with (RunnerCount, 0 outside a schedule's window)
                .resourceSignal(Fn.ref(count), timeout);
        asg.autoScalingGroupName(Fn.sub(asgName()));
        asg.defaultInstanceWarmup(elastic.warmup());
        if (k.capacityRebalance() != null) {
            asg.capacityRebalance(k.capacityRebalance());
        }
        asg.tag(new Tag("Name", Fn.sub("${AWS::StackName}-runner"), true));
        fleetTags.forEach(tag -> asg.tag(new Tag(tag.key(), tag.value(), true)));
        referenceCacheEmptier(asg, cache, k.hasCache());
        t.add(asg);

        if (spec.alarmTopicArn() != null) {
            t.add(InServiceAlarm.of(spec.alarmTopicArn(), spec.os() == OperatingSystem.WINDOWS
                    ? WINDOWS_LAUNCH_TIMEOUT_SECONDS : LAUNCH_TIMEOUT_SECONDS));
        }

        if (k.schedule() != null) {
            FleetValues.ScheduleValues s = k.schedule();
            // the window's bounds: [size, MaxSize] (elastic: [minimum, --max]); then 0 until the next start (elastic: 0/0)
            t.add(new ScheduledAction("ScheduledStart").autoScalingGroupName(Fn.ref(asg))
                    .minSize(s.runners()).maxSize(elastic.startMax(Fn.ref(max)))
                    .desiredCapacity(s.runners()).recurrence(s.start()).timeZone(s.timeZone())).onlyIf(s.condition());
            t.add(new ScheduledAction("ScheduledStop").autoScalingGroupName(Fn.ref(asg))
                    .minSize(0).maxSize(elastic.stopMax(Fn.ref(max))).desiredCapacity(0).recurrence(s.stop()).timeZone(s.timeZone()))
                    .onlyIf(s.condition());
        }
        elastic.addPolicy(t, Fn.ref(asg));

        t.add(new Output(OUT_ASG, "Auto Scaling group of the runners", Fn.ref(asg)));
        t.add(new Output(OUT_ROLE, "IAM role of the runner instances (CI jobs cannot use it: docs/security.md)", Fn.getAtt(role, "Arn")));
        t.add(new Output(OUT_LOG_GROUP, "CloudWatch log group with bootstrap and runner logs", Fn.ref(logs)));
        if (cache != null) {
            t.add(new Output(OUT_CACHE, "S3 bucket of the shared runner cache", Fn.ref(cache), k.hasCache()));
        }
        t.add(new Output(OUT_TAGS, "Runner tags to use in .gitlab-ci.yml", k.outputTags()));
        return t;
    }

    /** The deploy-time connection parameters every fleet shape has. */
    record Connection(Parameter url, Parameter token, Parameter tokenParam, Parameter vpc, Parameter subnets,
            DefaultNetwork defaultNetwork) {
        /** The VPC the stack uses: given, or the default one found. */
        Object vpcId() {
            return defaultNetwork.vpcId(vpc);
        }

        /** The subnets the stack uses, as a list: given, or the default VPC's default subnets. */
        Object subnetIds() {
            return defaultNetwork.subnetIds(subnets);
        }
    }

    static Connection connection(Template t, FleetSpec spec) {
        String gGitLab = "GitLab";
        String gNetwork = "Network";
        Parameter url = t.add(Parameter.string(P_GITLAB_URL).group(gGitLab).label("GitLab URL")
                .description("URL of the GitLab instance the runners register with")
                .defaultValue(spec.runner().gitlabUrl())
                .allowedPattern("^https?://[A-Za-z0-9.:/_~%-]+$")
                .constraintDescription("must be a plain http(s) URL such as https://gitlab.com"));
        Parameter token = t.add(Parameter.string(P_RUNNER_TOKEN).group(gGitLab).label("Runner token")
                .description("Runner authentication token (glrt-...) or legacy registration token; stored in Secrets Manager. "
                        + "Leave empty when giving an SSM parameter name instead.")
                .defaultValue("").noEcho().maxLength(512)
                .allowedPattern("^[A-Za-z0-9_.=-]*$")
                .constraintDescription("a GitLab runner token has letters, digits, '-', '_', '.' and '='"));
        Parameter tokenParam = t.add(Parameter.string(P_TOKEN_PARAMETER).group(gGitLab)
                .label("Existing SSM SecureString with the token (optional)")
                .description("Name of an existing SSM SecureString parameter holding the token, e.g. /gitlab/runner-token. "
                        + "Used instead of the token above.")
                .defaultValue("").allowedPattern("^$|^/[A-Za-z0-9_.\\-/]{1,1010}$")
                .constraintDescription("empty, or an SSM parameter name starting with /"));
        // Strings, not AWS::EC2::VPC::Id and List<AWS::EC2::Subnet::Id>: those take no empty value, and
        // empty means "the region's default VPC and its default subnets" (DefaultNetwork)
        Parameter vpc = t.add(Parameter.string(P_VPC).group(gNetwork).label("VPC (optional)")
                .description("VPC of the runners, e.g. vpc-0abc12. Leave empty for the region's default VPC.")
                .defaultValue("").allowedPattern("^$|^vpc-[0-9a-f]+$")
                .constraintDescription("empty, or a VPC id such as vpc-0abc12"));
        Parameter subnets = t.add(Parameter.string(P_SUBNETS).group(gNetwork).label("Subnets (optional)")
                .description("Subnets of that VPC with a route to the internet (public with auto-assigned IPs, or private behind NAT), "
                        + "comma-separated; several AZs spread Spot capacity. Leave empty with the VPC for the default VPC's subnets.")
                .defaultValue("").allowedPattern("^$|^subnet-[0-9a-f]+(,subnet-[0-9a-f]+)*$")
                .constraintDescription("empty, or subnet ids separated by commas, no spaces: subnet-0abc12,subnet-0def34"));
        return new Connection(url, token, tokenParam, vpc, subnets, DefaultNetwork.declare(t, vpc, subnets));
    }

    static Parameter imageParameter(FleetSpec spec) {
        return new Parameter(P_IMAGE, "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>").group("Instances")
                .label("AMI (SSM parameter)")
                .description("Public SSM parameter of the AMI; the latest image is taken at each stack update. "
                        + "Point it at your own parameter to pin an image.")
                .defaultValue(spec.os().amiParameter(spec.arch()));
    }

    /** What every fleet shape shares: the token store, logs, cache and the (manager's) instance role. */
    record Shared(Condition createSecret, List<Tag> fleetTags, Secret secret, LogGroup logs, S3Bucket cache, IamRole role,
            InstanceProfile profile) {
    }

    static Shared shared(Template t, FleetSpec spec, FleetValues k, Elasticity elastic, Parameter url, Parameter token,
            Parameter tokenParam) {
        Condition createSecret = t.add(new Condition("CreateTokenSecret",
                Fn.equalTo(Fn.ref(tokenParam), "")));
        t.add(new Rule("TokenGiven", null, List.of(new Rule.Assertion(
                Fn.not(Fn.and(Fn.equalTo(Fn.ref(token), ""), Fn.equalTo(Fn.ref(tokenParam), ""))),
                "Give the runner token, or the name of an SSM SecureString parameter that holds it."))));

        List<Tag> fleetTags = List.of(new Tag("vending:fleet", spec.name()), new Tag("vending:stack", Fn.STACK_NAME));

        String key = spec.security().kmsKeyArn();
        Secret secret = new Secret("RunnerTokenSecret")
                .description("GitLab runner token of vending fleet " + spec.name())
                .secretString(Fn.ref(token))
                .kmsKeyId(key);
        // The parameter may be empty only when the SSM alternative is used, and then this secret is
        // not created (condition + rule TokenGiven); cfn-lint cannot follow that, hence the one ignore.
        secret.lintIgnore("W1030");
        fleetTags.forEach(secret::tag);
        t.add(secret).onlyIf(createSecret);

        LogGroup logs = new LogGroup("RunnerLogGroup")
                .logGroupName(Fn.sub("/vending/${AWS::StackName}"))
                .retentionInDays(LOG_RETENTION_DAYS)
                .kmsKeyId(key);
        t.add(logs);

        S3Bucket cache = null;
        if (k.hasCache() != null || spec.cache() == CacheMode.S3) {
            cache = new S3Bucket("CacheBucket").expireObjectsAfterDays(CACHE_EXPIRY_DAYS).kmsKeyId(key);
            fleetTags.forEach(cache::tag);
            t.add(cache).onlyIf(k.hasCache());
            S3BucketPolicy tlsOnly = new S3BucketPolicy("CacheBucketPolicy").bucket(Fn.ref(cache)).policy(PolicyDocument.of(
                    new Statement("DenyInsecureTransport", "Deny", Map.of("AWS", "*"), List.of("s3:*"),
                            List.of(Fn.getAtt(cache, "Arn"), Fn.sub("${CacheBucket.Arn}/*")),
                            Map.of("Bool", Map.of("aws:SecureTransport", "false")))));
            t.add(tlsOnly).onlyIf(k.hasCache());
            CacheEmptier.add(t, cache, k.hasCache(), logs);
        }

        IamRole role = instanceRole(createSecret, tokenParam, logs, cache, k.hasCache(), elastic, spec.security(), spec.autoscaler() != null);
        fleetTags.forEach(role::tag);
        t.add(role);
        if (spec.security().jobRole() != null) {
            JobRoleResources.add(t, spec, url, fleetTags);
        }
        InstanceProfile profile = t.add(new InstanceProfile("RunnerInstanceProfile").roles(List.of(Fn.ref(role))));

        return new Shared(createSecret, fleetTags, secret, logs, cache, role, profile);
    }

    /**
     * What Session Manager needs on the instance (Systems Manager User Guide, the instance profile for
     * Session Manager; AWS's own AWSCloud9SSMInstanceProfile is exactly these). ec2messages is Run
     * Command's channel, which vending does not use.
     */
    static final List<String> SESSION_MANAGER_ACTIONS = List.of("ssm:UpdateInstanceInformation",
            "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel");

    /**
     * A reference from the runner group to the cache emptier, so that a stack deletion removes the
     * group (whose draining runners still upload cache objects) before the emptier empties the bucket:
     * CloudFormation deletes a resource before what it references. A tag, because DependsOn cannot name
     * a resource whose condition is false; in the full template the tag exists only with the cache.
     */
    static void referenceCacheEmptier(AutoScalingGroup group, S3Bucket cache, Condition hasCache) {
        if (cache == null) {
            return;
        }
        Tag tag = new Tag("vending:cache-emptier", Fn.ref(CacheEmptier.RESOURCE), false);
        if (hasCache == null) {
            group.tag(tag);
        } else {
            group.tagIf(hasCache, tag);
        }
    }

    /** ASG name as a Sub template: fixed so the instance role can name it without a circular reference. */
    static String asgName() {
        return "${AWS::StackName}-runners";
    }

    private static String fullDescription(FleetSpec spec) {
        return "vending GitLab Runner fleet, full template: " + spec.os().id() + " " + spec.arch().awsName()
                + "; every option is a parameter (instance types, Spot share, executor, concurrency, schedule, cache)";
    }

    private static String description(FleetSpec spec) {
        String types = String.join(", ", spec.instanceTypes());
        String schedule = spec.schedule() == null ? "always on"
                : "scheduled " + spec.schedule().start().text() + " / " + spec.schedule().stop().text() + " " + spec.schedule().timeZone();
        return "vending GitLab Runner fleet '" + spec.name() + "': " + spec.capacity().desired() + " x " + spec.os().id() + " "
                + spec.arch().awsName() + " " + spec.runner().executor().id() + ", " + spec.purchase().describe() + " (" + types + "), "
                + schedule;
    }

    private static IamRole instanceRole(Condition createSecret, Parameter tokenParam, LogGroup logs, S3Bucket cache,
            Condition hasCache, Elasticity elastic, SecuritySettings security, boolean autoscalerManager) {
        IamRole role = new IamRole("RunnerRole")
                .description("vending runner instances: token, cache, logs, own lifecycle, Session Manager")
                .assumeRolePolicy(PolicyDocument.of(new Statement(null, "Allow", Map.of("Service", "ec2.amazonaws.com"),
                        List.of("sts:AssumeRole"), null, null)))
                .permissionsBoundary(security.permissionsBoundary());
        List<dev.vending.cfn.CfnProperty> statements = new ArrayList<>();
        // Session Manager instead of SSH, without AmazonSSMManagedInstanceCore (which also allows
        // ssm:GetParameter(s) on every parameter of the account). These actions have no resource types
        // in the Service Authorization Reference, so "*" is the only Resource they take.
        statements.add(Statement.allow("SessionManager", SESSION_MANAGER_ACTIONS, List.of("*")));
        // Exactly one token store exists: the template's secret, or the user's SSM parameter.
        statements.add(new PolicyDocument.Conditional(createSecret,
                Statement.allow("ReadRunnerTokenSecret", List.of("secretsmanager:GetSecretValue"), List.of(Fn.ref("RunnerTokenSecret"))),
                Statement.allow("ReadRunnerTokenParameter", List.of("ssm:GetParameter"), List.of(
                        Fn.sub("arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${" + tokenParam.logicalId() + "}")))));
        // The AWS managed keys (aws/ssm, aws/secretsmanager, aws/s3) let the account's principals use them
        // through their service by key policy: no kms:Decrypt at all unless the user names a key.
        if (security.kmsKeyArn() != null) {
            // writing to the cache encrypts (GenerateDataKey): only where a cache bucket exists
            Map<String, Object> viaServices = Map.of("StringEquals", Map.of("kms:ViaService", List.of(
                    Fn.sub("secretsmanager.${AWS::Region}.amazonaws.com"), Fn.sub("ssm.${AWS::Region}.amazonaws.com"),
                    Fn.sub("s3.${AWS::Region}.amazonaws.com"))));
            Statement decrypt = Statement.allow("UseFleetKey", List.of("kms:Decrypt"), List.of(security.kmsKeyArn()))
                    .withCondition(viaServices);
            Statement withCache = Statement.allow("UseFleetKey", List.of("kms:Decrypt", "kms:GenerateDataKey"),
                    List.of(security.kmsKeyArn())).withCondition(viaServices);
            statements.add(cache == null ? decrypt : hasCache == null ? withCache : new PolicyDocument.Conditional(hasCache, withCache, decrypt));
        }
        Object groupArn = Fn.sub("arn:${AWS::Partition}:autoscaling:${AWS::Region}:${AWS::AccountId}:autoScalingGroup:*:autoScalingGroupName/"
                + asgName());
        statements.add(Statement.allow("OwnLifecycleActions",
                List.of("autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat"), List.of(groupArn)));
        statements.addAll(elastic.statements(groupArn));
        // the stack's own ARN (with its unique id): signals reach this stack's resources only; DescribeStacks gives a
        // failed bootstrap the start of the current stack operation (docs/lifecycle.md)
        statements.add(Statement.allow("OwnStack", List.of("cloudformation:SignalResource", "cloudformation:DescribeStacks"),
                List.of(Fn.ref("AWS::StackId"))));
        // each instance tags itself with its runner tags (its purchase option is known only on the instance):
        // instances of this stack, that one tag key only
        Map<String, Object> ownTag = new LinkedHashMap<>();
        ownTag.put("StringEquals", Map.of("aws:ResourceTag/vending:stack", Fn.STACK_NAME));
        ownTag.put("ForAllValues:StringEquals", Map.of("aws:TagKeys", List.of("vending:runner-tags")));
        statements.add(Statement.allow("TagOwnInstances", List.of("ec2:CreateTags"),
                List.of(Fn.sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*"))).withCondition(ownTag));
        statements.add(Statement.allow("ShipLogs",
                List.of("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"),
                // the log group's Arn attribute ends in ":*", which covers its streams
                List.of(Fn.getAtt(logs, "Arn"))));
        // a failed bootstrap counts the fleet's failed and registered bootstraps in its own log group, to tell a bad
        // instance (abandon, the group replaces it) from a systematic failure (signal FAILURE): docs/lifecycle.md
        statements.add(Statement.allow("CountFleetBootstraps", List.of("logs:FilterLogEvents"), List.of(Fn.getAtt(logs, "Arn"))));
        // ... and signals FAILURE only from an instance of the group's current launch template version; this
        // Describe action takes no resource type, so Resource is "*" (the autoscaler manager's DescribeWorkers has it)
        if (!autoscalerManager) {
            statements.add(Statement.allow("ReadLaunchTemplateVersions", List.of("autoscaling:DescribeAutoScalingGroups"), List.of("*")));
        }
        if (cache != null) {
            Statement objects = Statement.allow("CacheObjects", List.of("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
                    List.of(Fn.sub("${CacheBucket.Arn}/*")));
            Statement bucket = Statement.allow("CacheBucket", List.of("s3:ListBucket", "s3:GetBucketLocation"),
                    List.of(Fn.getAtt(cache, "Arn")));
            statements.add(hasCache == null ? objects : new PolicyDocument.Conditional(hasCache, objects, null));
            statements.add(hasCache == null ? bucket : new PolicyDocument.Conditional(hasCache, bucket, null));
        }
        role.policy("vending-runner", new PolicyDocument(statements));
        return role;
    }

    private static Intrinsic userData(FleetSpec spec, FleetValues k, Elasticity elastic, Condition createSecret, Parameter tokenParam,
            Secret secret, LogGroup logs, S3Bucket cache) {
        return userData(spec, k.bootstrapPlaceholders(), elastic, createSecret, tokenParam, secret, logs, cache, k.hasCache(), null);
    }

    /**
     * The bootstrap as user data: the settings header (Fn::Sub), then {@code middle} when not null (Fn::Sub
     * text of a part of its own, e.g. the docker-autoscaler manager's), then the common body.
     */
    static Intrinsic userData(FleetSpec spec, Map<Placeholder, String> placeholders, Elasticity elastic, Condition createSecret,
            Parameter tokenParam, Secret secret, LogGroup logs, S3Bucket cache, Condition hasCache, String middle) {
        RenderedScript script = BootstrapValues.render(spec, placeholders);
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("GitLabUrl", Fn.ref(P_GITLAB_URL));
        vars.put("TokenSource", Fn.ifThen(createSecret, Fn.sub("secretsmanager:${" + secret.logicalId() + "}"),
                Fn.sub("ssm:${" + tokenParam.logicalId() + "}")));
        vars.put("AsgName", Fn.sub(asgName()));
        vars.put("LaunchHookName", Bootstrap.LAUNCH_HOOK);
        vars.put("TerminateHookName", Bootstrap.TERMINATE_HOOK);
        vars.put("SignalResource", ASG);
        vars.put("CacheBucket", cache == null ? "" : hasCache == null ? Fn.ref(cache) : Fn.ifThen(hasCache, Fn.ref(cache), ""));
        vars.put("LogGroup", Fn.ref(logs));
        vars.putAll(new java.util.TreeMap<>(elastic.watcherVariables()));
        if (hasCache != null) {
            vars.put("CacheMode", Fn.ifThen(hasCache, "s3", "none"));
        }
        // One Fn::Sub over header, middle and body (the body's "${" escaped as "${!"), not a Join: the
        // body then sits two levels less deep in the YAML. The Linux body is packed (base64 has no
        // "${"); Windows' body is plain text.
        String body = script.deliveredBody().replace("${", "${!");
        return Fn.base64(new Intrinsic("Fn::Sub", List.of(script.header() + (middle == null ? "" : middle) + body, vars)));
    }
}
