package dev.vending.fleet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vending.bootstrap.AutoscalerScripts;
import dev.vending.bootstrap.Bootstrap;
import dev.vending.bootstrap.Placeholder;
import dev.vending.cfn.Fn;
import dev.vending.cfn.Output;
import dev.vending.cfn.Parameter;
import dev.vending.cfn.Template;
import dev.vending.cfn.resource.AutoScalingGroup;
import dev.vending.cfn.resource.AutoScalingGroup.InstancesDistribution;
import dev.vending.cfn.resource.AutoScalingGroup.LifecycleHookSpecification;
import dev.vending.cfn.resource.AutoScalingGroup.MixedInstancesPolicy;
import dev.vending.cfn.resource.LaunchTemplate;
import dev.vending.cfn.resource.PolicyDocument;
import dev.vending.cfn.resource.PolicyDocument.Statement;
import dev.vending.cfn.resource.SecurityGroup;
import dev.vending.cfn.resource.SecurityGroupIngress;
import dev.vending.cfn.resource.SsmParameter;
import dev.vending.cfn.resource.Tag;
import dev.vending.failure.BadInput;

/**
 * The docker-autoscaler fleet: GitLab's own autoscaling with the fleeting AWS plugin. One runner manager
 * (a self-healing group of exactly one small On-Demand instance) takes jobs and sets the desired capacity
 * of a worker group (min 0, no scaling policy of its own) whose instances are plain Docker hosts it
 * reaches over SSH with keys pushed through EC2 Instance Connect. {@link FleetTemplate} dispatches here.
 */
final class AutoscalerFleetTemplate {
    static final int MANAGER_VOLUME_GIB = 20;
    /** The SSM parameter with the manager's setup: it does not fit in the 16 KB of user data with the bootstrap. */
    static final String SETUP = "ManagerSetup";
    static final String SETUP_NAME = "/vending/${AWS::StackName}/manager-setup";

    private AutoscalerFleetTemplate() {
    }

    /** Worker group name as a Sub template: fixed so the manager's role and config can name it. */
    static String workerAsgName() {
        return "${AWS::StackName}-workers";
    }

    static Template build(FleetSpec spec, boolean allParameters) {
        if (allParameters) {
            // concurrent must be max_instances x capacity_per_instance, and CloudFormation cannot multiply
            throw new BadInput("--all-parameters", "is not available with --executor docker-autoscaler: its options are fixed "
                    + "at generate time (use the easy button's template, or generate with the flags you need)");
        }
        Template t = new Template(description(spec));
        FleetTemplate.Connection c = FleetTemplate.connection(t, spec);
        Parameter image = t.add(FleetTemplate.imageParameter(spec));
        FleetValues k = FleetValues.fixed(spec);
        Elasticity elastic = Elasticity.fixed(spec);
        FleetTemplate.Shared shared = FleetTemplate.shared(t, spec, k, elastic, c.url(), c.token(), c.tokenParam());
        c.defaultNetwork().addLookup(t, shared.logs());
        String workerArn = "arn:${AWS::Partition}:autoscaling:${AWS::Region}:${AWS::AccountId}:autoScalingGroup:*:autoScalingGroupName/"
                + workerAsgName();
        Map<String, Object> onlyWorkers = new LinkedHashMap<>();
        onlyWorkers.put("aws:ResourceTag/aws:autoscaling:groupName", Fn.sub(workerAsgName()));
        onlyWorkers.put("ec2:osuser", AutoscalerConfigToml.WORKER_USER);
        shared.role().policy("vending-autoscaler", PolicyDocument.of(
                Statement.allow("ScaleWorkerGroup", List.of("autoscaling:SetDesiredCapacity",
                        "autoscaling:TerminateInstanceInAutoScalingGroup", "autoscaling:SuspendProcesses"),
                        List.of(Fn.sub(workerArn))),
                // these Describe calls support no resource-level permissions (Resource must be "*");
                // DescribeAutoScalingGroups also serves the failed bootstrap's launch template check (docs/lifecycle.md)
                Statement.allow("DescribeWorkers", List.of("autoscaling:DescribeAutoScalingGroups",
                        "autoscaling:DescribeAutoScalingInstances", "ec2:DescribeInstances"), List.of("*")),
                Statement.allow("ReadManagerSetup", List.of("ssm:GetParameter"),
                        List.of(Fn.sub("arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter" + SETUP_NAME))),
                Statement.allow("PushSshKeyToWorkers", List.of("ec2-instance-connect:SendSSHPublicKey"),
                        List.of(Fn.sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*")))
                        .withCondition(Map.of("StringEquals", onlyWorkers))));

        SecurityGroup managerSg = egressOnly(new SecurityGroup("RunnerSecurityGroup")
                .groupDescription("vending runner manager: no inbound, outbound to GitLab, AWS APIs and its workers (SSH)"), c, shared);
        t.add(managerSg);
        SecurityGroup workerSg = egressOnly(new SecurityGroup("WorkerSecurityGroup")
                .groupDescription("vending docker-autoscaler workers: SSH from the runner manager only"), c, shared);
        t.add(workerSg);
        t.add(new SecurityGroupIngress("WorkerSshFromManager")
                .description("SSH from the runner manager (keys pushed by EC2 Instance Connect)")
                .groupId(Fn.getAtt(workerSg, "GroupId"))
                .sourceSecurityGroupId(Fn.getAtt(managerSg, "GroupId"))
                .tcpPort(22));

        String toml = AutoscalerConfigToml.render(spec, workerAsgName(), "${AWS::Region}");
        SsmParameter setup = new SsmParameter(SETUP)
                .name(Fn.sub(SETUP_NAME))
                .description("vending docker-autoscaler: the runner manager's setup script and config template (no token)")
                .value(Fn.sub(AutoscalerScripts.managerPart(toml)));
        t.add(setup);
        LaunchTemplate managerLt = new LaunchTemplate("RunnerLaunchTemplate")
                .imageId(Fn.ref(image))
                .instanceProfileArn(Fn.getAtt(shared.profile(), "Arn"))
                .securityGroupId(Fn.getAtt(managerSg, "GroupId"))
                .metadataHopLimit(1)
                .rootVolume(spec.os().rootDeviceName(), MANAGER_VOLUME_GIB)
                .rootVolumeKmsKeyId(spec.security().kmsKeyArn())
                .userData(FleetTemplate.userData(spec,
                        Map.of(Placeholder.CONCURRENCY, Integer.toString(AutoscalerConfigToml.concurrent(spec))), elastic,
                        shared.createSecret(), c.tokenParam(), shared.secret(), shared.logs(), shared.cache(), null,
                        AutoscalerScripts.managerLoader()));
        managerLt.instanceTag(new Tag("Name", Fn.sub("${AWS::StackName}-manager")));
        shared.fleetTags().forEach(managerLt::instanceTag);
        managerLt.instanceTag(new Tag("vending:gitlab-url", Fn.ref(c.url())));
        managerLt.instanceTag(new Tag("vending:runner-tags", k.runnerTags()));
        t.add(managerLt);

        AutoScalingGroup manager = new AutoScalingGroup(FleetTemplate.ASG)
                .minSize(1)
                .maxSize(1)
                .desiredCapacity(1)
                .vpcZoneIdentifier(c.subnetIds())
                .mixedInstancesPolicy(new MixedInstancesPolicy(Fn.ref(managerLt), Fn.getAtt(managerLt, "LatestVersionNumber"),
                        List.of(AutoscalerSettings.managerType(spec.arch())), new InstancesDistribution(0, 100, "prioritized", null)))
                .healthCheckType("EC2")
                .healthCheckGracePeriod(FleetTemplate.LAUNCH_TIMEOUT_SECONDS)
                .lifecycleHook(new LifecycleHookSpecification(Bootstrap.LAUNCH_HOOK, LifecycleHookSpecification.LAUNCHING,
                        FleetTemplate.LAUNCH_TIMEOUT_SECONDS, "ABANDON"))
                .lifecycleHook(new LifecycleHookSpecification(Bootstrap.TERMINATE_HOOK, LifecycleHookSpecification.TERMINATING,
                        FleetTemplate.DRAIN_HEARTBEAT_SECONDS, "CONTINUE"))
                .metricsCollection(List.of("GroupDesiredCapacity", "GroupInServiceInstances"))
                // never two managers on one worker group: the old one drains and goes before the new one starts;
                // the manager's bootstrap signals like a runner's, so creation and updates wait until it is registered
                .rollingUpdate(0, 1, "PT" + (FleetTemplate.LAUNCH_TIMEOUT_SECONDS / 60) + "M", true,
                        List.of("HealthCheck", "ReplaceUnhealthy", "AZRebalance", "AlarmNotification", "ScheduledActions"))
                .resourceSignal(1, "PT" + (FleetTemplate.LAUNCH_TIMEOUT_SECONDS / 60) + "M");
        manager.autoScalingGroupName(Fn.sub(FleetTemplate.asgName()));
        manager.tag(new Tag("Name", Fn.sub("${AWS::StackName}-manager"), true));
        shared.fleetTags().forEach(tag -> manager.tag(new Tag(tag.key(), tag.value(), true)));
        FleetTemplate.referenceCacheEmptier(manager, shared.cache(), k.hasCache());
        t.add(manager);

        LaunchTemplate workerLt = new LaunchTemplate("WorkerLaunchTemplate")
                .imageId(Fn.ref(image))
                .securityGroupId(Fn.getAtt(workerSg, "GroupId"))
                .metadataHopLimit(1)
                .rootVolume(spec.os().rootDeviceName(), k.volumeSize())
                .rootVolumeKmsKeyId(spec.security().kmsKeyArn())
                .userData(Fn.base64(AutoscalerScripts.worker(AutoscalerConfigToml.WORKER_USER, AutoscalerConfigToml.READY_MARKER)));
        workerLt.instanceTag(new Tag("Name", Fn.sub("${AWS::StackName}-worker")));
        shared.fleetTags().forEach(workerLt::instanceTag);
        t.add(workerLt);

        // No DesiredCapacity: the plugin owns it (CloudFormation leaves it alone on updates), and no scaling
        // policy, lifecycle hook or Capacity Rebalance, which would add or take instances behind its back.
        AutoScalingGroup workers = new AutoScalingGroup(FleetTemplate.WORKER_ASG)
                .minSize(0)
                .maxSize(spec.capacity().max())
                .vpcZoneIdentifier(c.subnetIds())
                .mixedInstancesPolicy(new MixedInstancesPolicy(Fn.ref(workerLt), Fn.getAtt(workerLt, "LatestVersionNumber"),
                        k.instanceTypes(), new InstancesDistribution(k.onDemandBase(), k.onDemandPercentAboveBase(), "prioritized",
                        k.spotStrategy())))
                .healthCheckType("EC2")
                .newInstancesProtectedFromScaleIn(true)
                .metricsCollection(List.of("GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances",
                        "GroupTerminatingInstances"));
        workers.autoScalingGroupName(Fn.sub(workerAsgName()));
        workers.tag(new Tag("Name", Fn.sub("${AWS::StackName}-worker"), true));
        shared.fleetTags().forEach(tag -> workers.tag(new Tag(tag.key(), tag.value(), true)));
        t.add(workers);

        t.add(new Output(FleetTemplate.OUT_ASG, "Auto Scaling group of the runner manager (one instance)", Fn.ref(manager)));
        t.add(new Output(FleetTemplate.OUT_WORKER_ASG, "Auto Scaling group of the docker-autoscaler workers (sized by the manager)",
                Fn.ref(workers)));
        t.add(new Output(FleetTemplate.OUT_ROLE, "IAM role of the runner manager (workers have none)",
                Fn.getAtt(shared.role(), "Arn")));
        t.add(new Output(FleetTemplate.OUT_LOG_GROUP, "CloudWatch log group with the manager's bootstrap and runner logs",
                Fn.ref(shared.logs())));
        if (shared.cache() != null) {
            t.add(new Output(FleetTemplate.OUT_CACHE, "S3 bucket of the shared runner cache", Fn.ref(shared.cache())));
        }
        t.add(new Output(FleetTemplate.OUT_TAGS, "Runner tags to use in .gitlab-ci.yml", k.outputTags()));
        return t;
    }

    private static SecurityGroup egressOnly(SecurityGroup sg, FleetTemplate.Connection c, FleetTemplate.Shared shared) {
        sg.vpcId(c.vpcId())
                .egress(new SecurityGroup.Egress("All outbound IPv4", "-1", null, null, "0.0.0.0/0", null))
                .egress(new SecurityGroup.Egress("All outbound IPv6", "-1", null, null, null, "::/0"));
        shared.fleetTags().forEach(sg::tag);
        return sg;
    }

    private static String description(FleetSpec spec) {
        AutoscalerSettings a = spec.autoscaler();
        return "vending GitLab Runner fleet '" + spec.name() + "': docker-autoscaler, 1 manager + 0.." + spec.capacity().max()
                + " " + spec.arch().awsName() + " workers, " + spec.purchase().describe() + " (" + String.join(", ", spec.instanceTypes())
                + "), " + spec.runner().concurrency() + " jobs per worker, " + (a.maxUseCount() == 0 ? "reused"
                : "retired after " + a.maxUseCount() + " jobs") + ", " + (a.periods().isEmpty() ? a.idleCount() + " idle slots"
                : a.idleCount() + " idle slots in scheduled hours (" + a.timeZone() + ")");
    }
}
