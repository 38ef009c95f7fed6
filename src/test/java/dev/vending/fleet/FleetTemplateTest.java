package dev.vending.fleet;

import static dev.vending.testing.CfnYaml.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vending.cfn.TemplateFormat;
import dev.vending.testing.CfnYaml;
import dev.vending.testing.TemplateInvariants;

class FleetTemplateTest {

    private static String yaml(FleetSpec spec) {
        return TemplateFormat.YAML.render(FleetTemplate.build(spec));
    }

    private static Map<String, Object> doc(FleetSpec spec) {
        return CfnYaml.load(yaml(spec));
    }

    @Test
    void spotFleetUsesPriceCapacityOptimizedAndRebalancing() {
        FleetSpec spec = FleetSpec.builder().runners(100).purchase(Purchase.allSpot()).arch(Arch.ARM64).build();
        Map<String, Object> d = doc(spec);
        Map<String, Object> asg = at(d, "Resources", "RunnerGroup", "Properties");
        Map<String, Object> dist = at(asg, "MixedInstancesPolicy", "InstancesDistribution");
        assertEquals("price-capacity-optimized", dist.get("SpotAllocationStrategy"));
        assertEquals(0L, dist.get("OnDemandBaseCapacity"));
        assertEquals(0L, dist.get("OnDemandPercentageAboveBaseCapacity"));
        assertEquals(true, asg.get("CapacityRebalance"));
        List<Object> overrides = at(asg, "MixedInstancesPolicy", "LaunchTemplate", "Overrides");
        assertEquals(spec.instanceTypes().size(), overrides.size());
        assertEquals(Map.of("Ref", "RunnerCount"), asg.get("DesiredCapacity"));
        assertEquals((Object) 100L, at(d, "Parameters", "RunnerCount", "Default"));
        assertEquals((Object) 125L, at(d, "Parameters", "MaxRunners", "Default"));
    }

    @Test
    void onDemandFleetHasNoSpotSettings() {
        Map<String, Object> asg = at(doc(FleetSpec.builder().build()), "Resources", "RunnerGroup", "Properties");
        Map<String, Object> dist = at(asg, "MixedInstancesPolicy", "InstancesDistribution");
        assertEquals(100L, dist.get("OnDemandPercentageAboveBaseCapacity"));
        assertFalse(dist.containsKey("SpotAllocationStrategy"));
        assertFalse(asg.containsKey("CapacityRebalance"));
    }

    @Test
    void mixHonoursBaseAndPercentage() {
        Map<String, Object> dist = at(doc(FleetSpec.builder().runners(4).purchase(new Purchase(1, 70)).build()),
                "Resources", "RunnerGroup", "Properties", "MixedInstancesPolicy", "InstancesDistribution");
        assertEquals(1L, dist.get("OnDemandBaseCapacity"));
        assertEquals(30L, dist.get("OnDemandPercentageAboveBaseCapacity"));
    }

    @Test
    void hooksLiveInTheGroupAndRollingUpdateKeepsRunnersInService() {
        Map<String, Object> d = doc(FleetSpec.builder().runners(8).build());
        List<Map<String, Object>> hooks = at(d, "Resources", "RunnerGroup", "Properties", "LifecycleHookSpecificationList");
        assertEquals(List.of("autoscaling:EC2_INSTANCE_LAUNCHING", "autoscaling:EC2_INSTANCE_TERMINATING"),
                hooks.stream().map(h -> h.get("LifecycleTransition")).toList());
        Map<String, Object> rolling = at(d, "Resources", "RunnerGroup", "UpdatePolicy", "AutoScalingRollingUpdate");
        // --runners 8 gives --max 10: batches of 3 (a quarter of 10), 7 kept in service so 3 new ones fit under 10
        assertEquals(7L, rolling.get("MinInstancesInService"));
        assertEquals(3L, rolling.get("MaxBatchSize"));
        List<Map<String, Object>> tags = at(d, "Resources", "RunnerGroup", "Properties", "Tags");
        // every tag reaches the instances, but the one that orders deletion after the cache emptier
        assertTrue(tags.stream().allMatch(t -> Boolean.TRUE.equals(t.get("PropagateAtLaunch")) || "vending:cache-emptier".equals(t.get("Key"))));
    }

    @Test
    void launchTemplateIsLockedDown() {
        Map<String, Object> d = doc(FleetSpec.builder().build());
        Map<String, Object> data = at(d, "Resources", "RunnerLaunchTemplate", "Properties", "LaunchTemplateData");
        assertEquals("required", at(data, "MetadataOptions", "HttpTokens"));
        // hop limit 1: bridge-network job containers cannot reach IMDSv2 (the PUT's response dies one hop out)
        assertEquals((Object) 1L, at(data, "MetadataOptions", "HttpPutResponseHopLimit"));
        assertEquals((Object) 2L, at(doc(FleetSpec.builder().security(new SecuritySettings(true, true, null, null)).build()), "Resources",
                "RunnerLaunchTemplate", "Properties", "LaunchTemplateData", "MetadataOptions", "HttpPutResponseHopLimit"));
        assertEquals("gp3", at(data, "BlockDeviceMappings", 0, "Ebs", "VolumeType"));
        assertEquals(true, at(data, "BlockDeviceMappings", 0, "Ebs", "Encrypted"));
        assertEquals(Map.of("Ref", "ImageId"), data.get("ImageId"));
        assertEquals("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64", at(d, "Parameters", "ImageId", "Default"));
        assertEquals((Object) 1L, at(doc(FleetSpec.builder().executor(Executor.SHELL).build()), "Resources", "RunnerLaunchTemplate",
                "Properties", "LaunchTemplateData", "MetadataOptions", "HttpPutResponseHopLimit"));
    }

    @Test
    void scheduleBecomesTwoActionsInTheTimeZone() {
        Map<String, Object> d = doc(FleetSpec.builder().runners(4).scheduleStart("0 8 * * 1-5").scheduleStop("0 18 * * 1-5")
                .timeZone("Europe/Berlin").build());
        Map<String, Object> start = at(d, "Resources", "ScheduledStart", "Properties");
        Map<String, Object> stop = at(d, "Resources", "ScheduledStop", "Properties");
        assertEquals("0 8 * * 1-5", start.get("Recurrence"));
        assertEquals("Europe/Berlin", start.get("TimeZone"));
        assertEquals(4L, start.get("DesiredCapacity"));
        assertEquals(0L, stop.get("DesiredCapacity"));
        assertEquals("Europe/Berlin", stop.get("TimeZone"));
        assertFalse(at(doc(FleetSpec.builder().build()), "Resources") instanceof Map<?, ?> m && m.containsKey("ScheduledStart"));
    }

    @Test
    void tokenIsANoEchoParameterStoredInASecretOrReadFromSsm() {
        Map<String, Object> d = doc(FleetSpec.builder().build());
        assertEquals(true, at(d, "Parameters", "RunnerToken", "NoEcho"));
        assertEquals("AWS::SecretsManager::Secret", at(d, "Resources", "RunnerTokenSecret", "Type"));
        assertEquals("CreateTokenSecret", at(d, "Resources", "RunnerTokenSecret", "Condition"));
        String policies = String.valueOf((Object) at(d, "Resources", "RunnerRole", "Properties", "Policies"));
        assertTrue(policies.contains("secretsmanager:GetSecretValue"));
        assertTrue(policies.contains("ssm:GetParameter"));
        String userData = String.valueOf((Object) at(d, "Resources", "RunnerLaunchTemplate", "Properties", "LaunchTemplateData", "UserData"));
        assertFalse(userData.contains("{Ref=RunnerToken}"), "user data only names where the token is kept");
        assertTrue(userData.contains("secretsmanager:${RunnerTokenSecret}"));
    }

    @Test
    void cacheBucketIsPrivateEncryptedTlsOnlyAndExpiring() {
        Map<String, Object> d = doc(FleetSpec.builder().build());
        Map<String, Object> bucket = at(d, "Resources", "CacheBucket", "Properties");
        assertEquals("AES256", at(bucket, "BucketEncryption", "ServerSideEncryptionConfiguration", 0, "ServerSideEncryptionByDefault", "SSEAlgorithm"));
        assertEquals(true, at(bucket, "PublicAccessBlockConfiguration", "RestrictPublicBuckets"));
        assertEquals((Object) 14L, at(bucket, "LifecycleConfiguration", "Rules", 0, "ExpirationInDays"));
        assertEquals("false", at(d, "Resources", "CacheBucketPolicy", "Properties", "PolicyDocument", "Statement", 0, "Condition", "Bool",
                "aws:SecureTransport"));
        Map<String, Object> noCache = doc(FleetSpec.builder().cache(CacheMode.NONE).build());
        assertFalse(((Map<?, ?>) noCache.get("Resources")).containsKey("CacheBucket"));
        assertFalse(String.valueOf(noCache).contains("s3:GetObject"));
    }

    @Test
    void outputsNameTheGroupRoleCacheAndTags() {
        Map<String, Object> outputs = at(doc(FleetSpec.builder().purchase(new Purchase(1, 50)).runners(3).build()), "Outputs");
        assertTrue(outputs.keySet().containsAll(List.of("AutoScalingGroupName", "InstanceRoleArn", "CacheBucketName", "RunnerTags",
                "LogGroupName")));
        // a mixed fleet's runners differ in computetype-*: the output lists only what every runner has
        assertEquals("os-linux,arch-arm64,glexecutor-docker", at(outputs, "RunnerTags", "Value"));
        assertEquals("computetype-spot,os-linux,arch-arm64,glexecutor-docker",
                at(doc(FleetSpec.builder().purchase(Purchase.allSpot()).build()), "Outputs", "RunnerTags", "Value"));
        assertEquals("computetype-ondemand,os-linux,arch-arm64,glexecutor-docker",
                at(doc(FleetSpec.builder().build()), "Outputs", "RunnerTags", "Value"));
    }

    @Test
    void securityInvariantsHoldAndTemplateIsDeterministic() {
        FleetSpec spec = FleetSpec.builder().runners(100).purchase(Purchase.allSpot()).build();
        String a = yaml(spec);
        TemplateInvariants.check(a);
        assertEquals(a, yaml(FleetSpec.builder().runners(100).purchase(Purchase.allSpot()).build()));
    }

    @Test
    void sizeDoesNotGrowWithTheRunnerCount() {
        int one = yaml(FleetSpec.builder().runners(1).build()).getBytes(StandardCharsets.UTF_8).length;
        int many = yaml(FleetSpec.builder().runners(5000).max(6000).build()).getBytes(StandardCharsets.UTF_8).length;
        // only numbers grow (by their digits): counts, the update batch and the signal count
        assertTrue(many - one < 32, one + " vs " + many);
        assertTrue(many < 40_000, "well under the 51,200-byte inline limit: " + many);
    }
}
