package dev.vending.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import dev.vending.cfn.TemplateFormat;
import dev.vending.failure.BadInput;
import dev.vending.testing.CfnEvaluator;
import dev.vending.testing.CfnEvaluator.Evaluated;

/**
 * The docker-autoscaler fleet as CloudFormation creates it (evaluated, not read as YAML): the two
 * groups' sizes, who may do what to them (IAM), who may reach the workers (security groups), and the
 * config.toml template as GitLab Runner's TOML decoder would read it.
 */
class AutoscalerFleetTemplateTest {
    static final String STACK = "ci-runners";
    static final String WORKERS = STACK + "-workers";

    static FleetSpec.Builder spotArm(int max) {
        return FleetSpec.builder().executor(Executor.DOCKER_AUTOSCALER).purchase(Purchase.allSpot()).arch(Arch.ARM64).max(max);
    }

    static Evaluated evaluate(FleetSpec spec) {
        String yaml = TemplateFormat.YAML.render(FleetTemplate.build(spec));
        return CfnEvaluator.fromYaml(yaml).stackName(STACK).region("eu-central-1").accountId("111122223333")
                .parameter("VpcId", "vpc-1").parameter("SubnetIds", "subnet-a,subnet-b,subnet-c")
                .parameter("RunnerToken", "glrt-example0000000000").evaluate();
    }

    @Test
    void theManagerIsOneOnDemandInstanceAndTheWorkersStartAtZeroWithNoScalingOfTheirOwn() {
        FleetSpec spec = spotArm(100).build();
        Evaluated e = evaluate(spec);

        Map<String, Object> manager = props(e, "RunnerGroup");
        assertEquals(List.of(1, 1, 1), List.of(manager.get("MinSize"), manager.get("MaxSize"), manager.get("DesiredCapacity")));
        assertEquals(STACK + "-runners", manager.get("AutoScalingGroupName"));
        assertEquals(List.of("t4g.small"), overrides(manager));
        Map<?, ?> managerMix = distribution(manager);
        assertEquals(100, managerMix.get("OnDemandPercentageAboveBaseCapacity"), "the manager is On-Demand");
        assertFalse(managerMix.containsKey("SpotAllocationStrategy"));
        assertEquals(2, ((List<?>) manager.get("LifecycleHookSpecificationList")).size(), "launch and drain hooks");
        Map<?, ?> rolling = (Map<?, ?>) ((Map<?, ?>) ints(e.resources().get("RunnerGroup"))).get("UpdatePolicy");
        assertEquals(0, ((Map<?, ?>) rolling.get("AutoScalingRollingUpdate")).get("MinInstancesInService"),
                "a replacement manager starts only after the old one is gone: never two on one worker group");
        assertEquals(true, ((Map<?, ?>) rolling.get("AutoScalingRollingUpdate")).get("WaitOnResourceSignals"),
                "an update waits for the new manager's signal (its bootstrap signals as a runner's does)");
        Map<?, ?> creation = (Map<?, ?>) ((Map<?, ?>) ints(e.resources().get("RunnerGroup"))).get("CreationPolicy");
        assertEquals(1, ((Map<?, ?>) creation.get("ResourceSignal")).get("Count"), "creation waits for the one manager");

        Map<String, Object> workers = props(e, "WorkerGroup");
        assertEquals(0, workers.get("MinSize"));
        assertEquals(100, workers.get("MaxSize"), "--max is the worker group's ceiling");
        assertFalse(workers.containsKey("DesiredCapacity"), "the plugin owns the desired capacity (starts at MinSize 0)");
        assertEquals(true, workers.get("NewInstancesProtectedFromScaleIn"));
        assertFalse(workers.containsKey("LifecycleHookSpecificationList"));
        assertFalse(workers.containsKey("CapacityRebalance"), "no replacements behind the plugin's back");
        assertEquals(WORKERS, workers.get("AutoScalingGroupName"));
        assertEquals(spec.instanceTypes(), overrides(workers));
        assertTrue(spec.instanceTypes().size() >= 3, "diversified Spot types");
        Map<?, ?> workerMix = distribution(workers);
        assertEquals(0, workerMix.get("OnDemandPercentageAboveBaseCapacity"), "--spot: all workers on Spot");
        assertEquals("price-capacity-optimized", workerMix.get("SpotAllocationStrategy"));
        assertEquals(List.of(), e.ofType("AWS::AutoScaling::ScalingPolicy"));
        assertEquals(List.of(), e.ofType("AWS::AutoScaling::ScheduledAction"));
        assertEquals(List.of("RunnerGroup", "WorkerGroup"), e.ofType("AWS::AutoScaling::AutoScalingGroup"));
        assertEquals("{Ref:WorkerGroup}", e.output("WorkerGroupName"));
    }

    @Test
    void jobsCannotReachTheMetadataServiceAndWorkersHaveNoRoleNorToken() {
        Evaluated e = evaluate(spotArm(10).build());
        Map<?, ?> workerLt = (Map<?, ?>) props(e, "WorkerLaunchTemplate").get("LaunchTemplateData");
        Map<?, ?> managerLt = (Map<?, ?>) props(e, "RunnerLaunchTemplate").get("LaunchTemplateData");
        for (Map<?, ?> lt : List.of(workerLt, managerLt)) {
            Map<?, ?> md = (Map<?, ?>) lt.get("MetadataOptions");
            assertEquals(1, md.get("HttpPutResponseHopLimit"), "a container on the docker bridge is one hop too far");
            assertEquals("required", md.get("HttpTokens"));
        }
        assertFalse(workerLt.containsKey("IamInstanceProfile"), "workers get no AWS credentials at all");
        assertEquals(Map.of("Arn", "{GetAtt:RunnerInstanceProfile.Arn}"), managerLt.get("IamInstanceProfile"));
        String worker = CfnEvaluator.userDataScript(workerLt.get("UserData"));
        for (String absent : List.of("secretsmanager", "get-parameter", "register", "glrt-", "RunnerToken")) {
            assertFalse(worker.contains(absent), "worker user data mentions " + absent);
        }
        assertTrue(worker.contains("touch \"$READY\"") && worker.contains(AutoscalerConfigToml.READY_MARKER));
        // the manager's role, and the cache emptier's (a Lambda's, assumable by Lambda only): no worker role
        assertEquals(List.of("RunnerRole"), e.ofType("AWS::IAM::Role").stream().filter(r -> !r.equals("CacheEmptierRole")).toList());
    }

    /**
     * LaunchTemplate Ebs.KmsKeyId: the ARN of the symmetric customer managed key for the volume, with Encrypted
     * true; without it EBS uses the account's default EBS key. EC2 checks the key only when an instance
     * launches, so the key policy must let the Auto Scaling service-linked role use it (docs/security.md).
     */
    @Test
    void bothGroupsRootVolumesAreEncryptedWithTheFleetKeyWhenOneIsGiven() {
        String key = "arn:aws:kms:eu-central-1:111122223333:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
        Evaluated withKey = evaluate(spotArm(10).security(new SecuritySettings(false, false, null, key)).build());
        Evaluated without = evaluate(spotArm(10).build());
        for (String lt : List.of("RunnerLaunchTemplate", "WorkerLaunchTemplate")) {
            Map<?, ?> ebs = rootEbs(withKey, lt);
            assertEquals(true, ebs.get("Encrypted"), lt);
            assertEquals(key, ebs.get("KmsKeyId"), lt + ": the fleet's key, as the runner fleet's volumes have");
            Map<?, ?> plain = rootEbs(without, lt);
            assertEquals(true, plain.get("Encrypted"), lt + ": encrypted with the default EBS key");
            assertFalse(plain.containsKey("KmsKeyId"), lt);
        }
    }

    private static Map<?, ?> rootEbs(Evaluated e, String launchTemplate) {
        Map<?, ?> data = (Map<?, ?>) props(e, launchTemplate).get("LaunchTemplateData");
        List<?> mappings = (List<?>) data.get("BlockDeviceMappings");
        assertEquals(1, mappings.size());
        return (Map<?, ?>) ((Map<?, ?>) mappings.get(0)).get("Ebs");
    }

    @Test
    void onlyTheManagerReachesTheWorkersAndOnlyOverSsh() {
        Evaluated e = evaluate(spotArm(10).build());
        for (String sg : List.of("RunnerSecurityGroup", "WorkerSecurityGroup")) {
            assertFalse(e.properties(sg).containsKey("SecurityGroupIngress"), sg + " has inline inbound rules");
        }
        assertEquals(List.of("WorkerSshFromManager"), e.ofType("AWS::EC2::SecurityGroupIngress"));
        Map<String, Object> in = props(e, "WorkerSshFromManager");
        assertEquals("{GetAtt:WorkerSecurityGroup.GroupId}", in.get("GroupId"));
        assertEquals("{GetAtt:RunnerSecurityGroup.GroupId}", in.get("SourceSecurityGroupId"));
        assertEquals(List.of("tcp", 22, 22), List.of(in.get("IpProtocol"), in.get("FromPort"), in.get("ToPort")));
        assertFalse(in.containsKey("CidrIp") || in.containsKey("CidrIpv6"));
        assertEquals(List.of("{GetAtt:WorkerSecurityGroup.GroupId}"),
                ((Map<?, ?>) props(e, "WorkerLaunchTemplate").get("LaunchTemplateData")).get("SecurityGroupIds"));
    }

    @Test
    void theManagerMayChangeOnlyItsWorkerGroupAndPushKeysOnlyToItsWorkers() {
        Evaluated e = evaluate(spotArm(10).build());
        List<Map<?, ?>> statements = new ArrayList<>();
        for (Object policy : (List<?>) props(e, "RunnerRole").get("Policies")) {
            statements.addAll(statements((Map<?, ?>) policy));
        }
        String workerArn = "arn:aws:autoscaling:eu-central-1:111122223333:autoScalingGroup:*:autoScalingGroupName/" + WORKERS;
        for (Map<?, ?> s : statements) {
            List<?> actions = list(s.get("Action"));
            List<?> resources = list(s.get("Resource"));
            for (Object a : actions) {
                String action = (String) a;
                if (List.of("autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup",
                        "autoscaling:SuspendProcesses").contains(action)) {
                    assertEquals(List.of(workerArn), resources, action + " must name the worker group only");
                }
                if (resources.contains("*")) {
                    assertTrue(action.contains(":Describe") || dev.vending.fleet.FleetTemplate.SESSION_MANAGER_ACTIONS.contains(action),
                            action + " on every resource");
                }
                if (action.equals("ssm:GetParameter")) {
                    assertEquals(List.of("arn:aws:ssm:eu-central-1:111122223333:parameter/vending/" + STACK + "/manager-setup"), resources,
                            "the manager reads its own setup parameter only");
                }
                if (action.equals("ec2-instance-connect:SendSSHPublicKey")) {
                    assertEquals(List.of("arn:aws:ec2:eu-central-1:111122223333:instance/*"), resources);
                    assertEquals(Map.of("aws:ResourceTag/aws:autoscaling:groupName", WORKERS, "ec2:osuser", "ec2-user"),
                            ((Map<?, ?>) s.get("Condition")).get("StringEquals"), "keys only for this group's instances");
                }
            }
        }
        assertTrue(statements.stream().anyMatch(s -> list(s.get("Action")).contains("autoscaling:SetDesiredCapacity")));
        assertTrue(statements.stream().anyMatch(s -> list(s.get("Action")).contains("ec2-instance-connect:SendSSHPublicKey")));
    }

    @Test
    void configTemplateHasEveryAutoscalerKeyTheRunnerReads() throws Exception {
        FleetSpec spec = spotArm(100).concurrency(1).maxUseCount(1).idleCount(2).idleSeconds(1800)
                .dockerImage("public.ecr.aws/docker/library/debian:12").privileged(true).build();
        JsonNode runner = configTemplate(evaluate(spec));
        assertEquals("docker-autoscaler", runner.path("executor").asText());
        assertEquals("public.ecr.aws/docker/library/debian:12", runner.path("docker").path("image").asText());
        assertTrue(runner.path("docker").path("privileged").asBoolean());
        assertFalse(runner.has("token"), "the template carries no token");
        JsonNode a = runner.path("autoscaler");
        assertEquals("aws:" + AutoscalerSettings.DEFAULT_PLUGIN_VERSION, a.path("plugin").asText());
        assertEquals(1, a.path("capacity_per_instance").asInt(), "--concurrency");
        assertEquals(1, a.path("max_use_count").asInt(), "--max-use-count 1: a fresh worker per job");
        assertEquals(100, a.path("max_instances").asInt(), "--max");
        assertEquals(AutoscalerConfigToml.READY_COMMAND, a.path("instance_ready_command").asText());
        assertEquals(WORKERS, a.path("plugin_config").path("name").asText(), "the stack's own worker group");
        assertEquals("eu-central-1", a.path("plugin_config").path("region").asText());
        assertEquals("ec2-user", a.path("connector_config").path("username").asText());
        assertTrue(a.path("connector_config").has("use_external_addr"));
        assertFalse(a.path("connector_config").path("use_external_addr").asBoolean(true), "private addresses inside the VPC");
        assertFalse(a.path("connector_config").path("use_static_credentials").asBoolean(false), "keys come from EC2 Instance Connect");
        JsonNode policies = a.path("policy");
        assertEquals(1, policies.size());
        assertEquals(List.of("* * * * *"), strings(policies.get(0).path("periods")));
        assertEquals(2, policies.get(0).path("idle_count").asInt());
        assertEquals("30m0s", policies.get(0).path("idle_time").asText());
        assertEquals("UTC", policies.get(0).path("timezone").asText());
        String userData = managerUserData(evaluate(spec));
        assertTrue(userData.contains("\nVENDING_CONCURRENCY='100'\n"), "concurrent = max_instances x capacity_per_instance");
        // EC2 counts the user data as sent (the body packed), not as it runs
        String sent = CfnEvaluator.decodeBase64(((Map<?, ?>) props(evaluate(spec), "RunnerLaunchTemplate").get("LaunchTemplateData")).get("UserData"));
        assertTrue(sent.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 16 * 1024 - 768,
                "user data (at most 16 KB) keeps room for long deploy-time values (a 128-character stack name, real ARNs): " + sent.length());
        assertTrue(userData.contains("aws ssm get-parameter --name '{Ref:ManagerSetup}'"), "the manager reads its setup");
    }

    @Test
    void aScheduleKeepsWarmCapacityInWorkingHoursAndNoneAtNight() throws Exception {
        FleetSpec spec = spotArm(20).idleCount(4).scheduleStart("30 7 * * 1-5").scheduleStop("0 19 * * 1-5")
                .timeZone("Europe/Berlin").build();
        JsonNode policies = configTemplate(evaluate(spec)).path("autoscaler").path("policy");
        assertEquals(2, policies.size());
        assertEquals(List.of("* * * * *"), strings(policies.get(0).path("periods")));
        assertEquals(0, policies.get(0).path("idle_count").asInt(0), "nothing warm outside the schedule");
        assertEquals(4, policies.get(1).path("idle_count").asInt(), "the last matching policy wins in working hours");
        for (JsonNode p : policies) {
            assertEquals("Europe/Berlin", p.path("timezone").asText());
        }
        List<String> periods = strings(policies.get(1).path("periods"));
        // every minute of a week: the warm policy matches exactly from Mon-Fri 07:30 to 19:00
        LocalDateTime t = LocalDateTime.of(2026, 11, 30, 0, 0); // a Monday
        for (int i = 0; i < 7 * 24 * 60; i++, t = t.plusMinutes(1)) {
            boolean weekday = t.getDayOfWeek().getValue() <= 5;
            int minute = t.getHour() * 60 + t.getMinute();
            boolean expected = weekday && minute >= 7 * 60 + 30 && minute < 19 * 60;
            assertEquals(expected, Cron.anyMatches(periods, t), t + " with periods " + periods);
        }
    }

    @Test
    void periodsCoverExactlyTheScheduledSpan() {
        record Case(String start, String stop) {
        }
        for (Case c : List.of(new Case("0 8 * * 1-5", "0 18 * * 1-5"), new Case("45 6 * * MON-FRI", "15 7 * * MON-FRI"),
                new Case("0 22 * * *", "30 5 * * *"), new Case("10 9 * * 0,6", "59 23 * * 0,6"), new Case("0 0 * * *", "0 12 * * *"),
                new Case("30 23 * * *", "0 0 * * *"))) {
            List<String> periods = AutoscalerSettings.periods(new Schedule(c.start(), c.stop(), "UTC", 1));
            String[] a = c.start().split(" ");
            String[] b = c.stop().split(" ");
            int from = Integer.parseInt(a[1]) * 60 + Integer.parseInt(a[0]);
            int to = Integer.parseInt(b[1]) * 60 + Integer.parseInt(b[0]);
            LocalDateTime t = LocalDateTime.of(2026, 11, 30, 0, 0);
            for (int i = 0; i < 7 * 24 * 60; i++, t = t.plusMinutes(1)) {
                int m = t.getHour() * 60 + t.getMinute();
                boolean inSpan = from < to ? m >= from && m < to : m >= from || m < to;
                boolean day = Cron.field(a[4], t.getDayOfWeek().getValue() % 7, Cron.DAYS);
                assertEquals(inSpan && day, Cron.anyMatches(periods, t), c + " at " + t + ": " + periods);
            }
        }
    }

    @Test
    void optionsThatDoNotFitTheModeNameTheirFlag() {
        assertBad("--runners", b -> b.runners(5));
        assertBad("--min", b -> b.min(1));
        assertBad("--schedule-runners", b -> b.scheduleStart("0 8 * * *").scheduleStop("0 18 * * *").scheduleRunners(3).idleCount(1));
        assertBad("--executor", b -> b.os(OperatingSystem.WINDOWS).arch(Arch.X86_64));
        assertBad("--max-use-count", b -> b.concurrency(4).maxUseCount(1));
        assertBad("--idle-count", b -> b.scheduleStart("0 8 * * *").scheduleStop("0 18 * * *"));
        assertBad("--schedule-start", b -> b.idleCount(1).scheduleStart("*/5 8 * * *").scheduleStop("0 18 * * *"));
        assertBad("--schedule-stop", b -> b.idleCount(1).scheduleStart("0 8 * * 1-5").scheduleStop("0 18 * * 1-4"));
        assertBad("--schedule-stop", b -> b.idleCount(1).scheduleStart("0 18 * * 1-5").scheduleStop("0 8 * * 1-5"));
        assertBad("--runner-version", b -> b.runnerVersion("16.11.3"));
        assertBad("--idle-time", b -> b.idleSeconds(30));
        assertBad("--fleeting-plugin-version", b -> b.pluginVersion("latest"));
        assertEquals("--idle-count", assertThrows(BadInput.class,
                () -> FleetSpec.builder().executor(Executor.DOCKER).idleCount(1).build()).option(), "instance runners refuse it");
        assertEquals("--max-use-count", assertThrows(BadInput.class,
                () -> FleetSpec.builder().maxUseCount(1).build()).option());
        assertEquals(0, spotArm(10).maxUseCount(0).build().autoscaler().maxUseCount(), "0 = no limit");
        assertNull(FleetSpec.builder().build().autoscaler());
        assertEquals("--all-parameters", assertThrows(BadInput.class, () -> FleetTemplate.build(spotArm(10).build(), true)).option());
        AutoscalerSettings.checkRunnerVersion("17.1.0");
        AutoscalerSettings.checkRunnerVersion("18.0.0");
    }

    @Test
    void idleTimeIsWrittenAsGoParsesDurations() {
        assertEquals("20m0s", spotArm(1).build().autoscaler().idleTime());
        assertEquals("1h30m0s", spotArm(1).idleSeconds(5400).build().autoscaler().idleTime());
        assertEquals("1m30s", spotArm(1).idleSeconds(90).build().autoscaler().idleTime());
        assertEquals(2700, AutoscalerSettings.parseIdleTime("45m"));
        assertEquals("--idle-time", assertThrows(BadInput.class, () -> AutoscalerSettings.parseIdleTime("soon")).option());
    }

    /** A resource's evaluated properties with YAML's Long numbers as Integers. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> props(Evaluated e, String id) {
        return (Map<String, Object>) ints(e.properties(id));
    }

    private static Object ints(Object o) {
        if (o instanceof Long l) {
            return l.intValue();
        }
        if (o instanceof Map<?, ?> m) {
            Map<Object, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, ints(v)));
            return out;
        }
        if (o instanceof List<?> l) {
            return l.stream().map(AutoscalerFleetTemplateTest::ints).toList();
        }
        return o;
    }

    private static void assertBad(String flag, UnaryOperator<FleetSpec.Builder> change) {
        BadInput e = assertThrows(BadInput.class, () -> change.apply(spotArm(10)).build(), flag);
        assertEquals(flag, e.option(), e.getMessage());
    }

    static String managerUserData(Evaluated e) {
        return CfnEvaluator.userDataScript(((Map<?, ?>) props(e, "RunnerLaunchTemplate").get("LaunchTemplateData")).get("UserData"));
    }

    /** The manager's setup as CloudFormation stores it in the SSM parameter (Sub resolved). */
    static String managerSetup(Evaluated e) {
        return (String) e.properties("ManagerSetup").get("Value");
    }

    /** The [[runners]] entry the manager writes for `gitlab-runner register --template-config`, parsed as TOML. */
    static JsonNode configTemplate(Evaluated e) throws Exception {
        String userData = managerSetup(e);
        String start = "cat >/etc/gitlab-runner/vending-autoscaler.toml <<'VENDING_EOF'\n";
        int from = userData.indexOf(start);
        assertTrue(from > 0, "the manager writes the config template");
        String toml = userData.substring(from + start.length(), userData.indexOf("\nVENDING_EOF\n", from));
        JsonNode runners = new TomlMapper().readTree(toml).path("runners");
        assertEquals(1, runners.size(), "register needs exactly one [[runners]] entry in a template");
        return runners.get(0);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<?> overrides(Map<String, Object> asg) {
        Map<?, ?> lt = (Map<?, ?>) ((Map<?, ?>) asg.get("MixedInstancesPolicy")).get("LaunchTemplate");
        return ((List<?>) lt.get("Overrides")).stream().map(o -> ((Map<?, ?>) o).get("InstanceType")).toList();
    }

    private static Map<?, ?> distribution(Map<String, Object> asg) {
        return (Map<?, ?>) ((Map<?, ?>) asg.get("MixedInstancesPolicy")).get("InstancesDistribution");
    }

    private static List<Map<?, ?>> statements(Map<?, ?> policy) {
        List<Map<?, ?>> out = new ArrayList<>();
        for (Object s : (List<?>) ((Map<?, ?>) policy.get("PolicyDocument")).get("Statement")) {
            out.add((Map<?, ?>) s);
        }
        return out;
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of(o);
    }

    /** A unix-cron matcher for the five fields, as the runner reads policy periods (a period is every minute it matches). */
    static final class Cron {
        static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
        static final List<String> MONTHS = List.of("", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
                "NOV", "DEC");

        static boolean anyMatches(List<String> periods, LocalDateTime t) {
            return periods.stream().anyMatch(p -> matches(p, t));
        }

        static boolean matches(String period, LocalDateTime t) {
            String[] f = period.split(" ");
            assertEquals(5, f.length, period);
            int dow = t.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : t.getDayOfWeek().getValue();
            return field(f[0], t.getMinute(), null) && field(f[1], t.getHour(), null) && field(f[2], t.getDayOfMonth(), null)
                    && field(f[3], t.getMonthValue(), MONTHS) && field(f[4], dow, DAYS);
        }

        static boolean field(String field, int value, List<String> names) {
            for (String part : field.split(",")) {
                int step = 1;
                String range = part;
                if (part.contains("/")) {
                    step = Integer.parseInt(part.substring(part.indexOf('/') + 1));
                    range = part.substring(0, part.indexOf('/'));
                }
                int lo;
                int hi;
                if (range.equals("*")) {
                    lo = 0;
                    hi = 59;
                } else if (range.contains("-")) {
                    lo = number(range.substring(0, range.indexOf('-')), names);
                    hi = number(range.substring(range.indexOf('-') + 1), names);
                } else {
                    lo = number(range, names);
                    hi = lo;
                }
                if (names == DAYS && hi == 7) {
                    hi = 6;
                    if (value == 0) {
                        return true;
                    }
                }
                if (value >= lo && value <= hi && (value - lo) % step == 0) {
                    return true;
                }
            }
            return false;
        }

        private static int number(String s, List<String> names) {
            if (names != null && names.contains(s.toUpperCase(Locale.ROOT))) {
                return names.indexOf(s.toUpperCase(Locale.ROOT));
            }
            return Integer.parseInt(s);
        }
    }
}
