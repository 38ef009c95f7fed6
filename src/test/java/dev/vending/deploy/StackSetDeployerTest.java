package dev.vending.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vending.failure.BadInput;

/** The pure parts of a stack set deploy: which values an instance overrides, how instances share CreateStackInstances calls, input checks. */
class StackSetDeployerTest {
    static StackSetTargets.Target t(String account, String region) {
        return new StackSetTargets.Target(account, region);
    }

    @Test
    void anInstanceOverridesOnlyWhatDiffersFromTheStackSet() {
        Map<String, String> base = Map.of("VpcId", "vpc-1", "RunnerCount", "2");
        assertEquals(Map.of(), StackSetDeployer.differing(base, Map.of("VpcId", "vpc-1", "RunnerCount", "2")));
        assertEquals(Map.of("VpcId", "vpc-2"), StackSetDeployer.differing(base, Map.of("VpcId", "vpc-2", "RunnerCount", "2")));
    }

    @Test
    void targetsWithTheSameOverridesAndAccountsShareOneCall() {
        Map<StackSetTargets.Target, Map<String, String>> overrides = new LinkedHashMap<>();
        overrides.put(t("111111111111", "us-east-1"), Map.of());
        overrides.put(t("222222222222", "us-east-1"), Map.of());
        overrides.put(t("111111111111", "eu-west-1"), Map.of());
        overrides.put(t("222222222222", "eu-west-1"), Map.of());
        overrides.put(t("111111111111", "ap-south-1"), Map.of("VpcId", "vpc-9"));
        var groups = StackSetDeployer.groups(List.copyOf(overrides.keySet()), overrides);
        assertEquals(2, groups.size(), groups.toString());
        assertEquals(List.of("111111111111", "222222222222"), groups.get(0).accounts());
        assertEquals(List.of("us-east-1", "eu-west-1"), groups.get(0).regions());
        assertEquals(Map.of(), groups.get(0).overrides());
        assertEquals(List.of("111111111111"), groups.get(1).accounts());
        assertEquals(List.of("ap-south-1"), groups.get(1).regions());
        assertEquals(Map.of("VpcId", "vpc-9"), groups.get(1).overrides());
    }

    @Test
    void everyTargetIsCoveredExactlyOnceWhenAccountsDifferPerRegion() {
        Map<StackSetTargets.Target, Map<String, String>> overrides = new LinkedHashMap<>();
        overrides.put(t("111111111111", "us-east-1"), Map.of());
        overrides.put(t("222222222222", "us-east-1"), Map.of());
        overrides.put(t("111111111111", "eu-west-1"), Map.of());
        var groups = StackSetDeployer.groups(List.copyOf(overrides.keySet()), overrides);
        int covered = groups.stream().mapToInt(g -> g.accounts().size() * g.regions().size()).sum();
        assertEquals(3, covered, groups.toString()); // accounts x regions of each call, no instance twice or missing
    }

    @Test
    void requestChecksRegionsAccountsAndUnits() throws Exception {
        TemplateSource template = TemplateSource.ofBody("Parameters: {VpcId: {Type: String}}\nResources: {Q: {Type: AWS::SQS::Queue}}\n");
        StackSetRequest ok = new StackSetRequest("s", template, List.of(" us-east-1", "us-east-1", "eu-west-1"), List.of(), List.of(), Map.of(),
                null, Map.of(), Map.of(), null).check();
        assertEquals(List.of("us-east-1", "eu-west-1"), ok.regions());
        assertEquals("--regions", assertThrows(BadInput.class, () -> new StackSetRequest("s", template, List.of("us-east-9x"), List.of(),
                List.of(), Map.of(), null, Map.of(), Map.of(), null).check()).option());
        assertEquals("--regions", assertThrows(BadInput.class, () -> new StackSetRequest("s", template, List.of("aws-global"), List.of(),
                List.of(), Map.of(), null, Map.of(), Map.of(), null).check()).option());
        assertEquals("--org-units", assertThrows(BadInput.class, () -> new StackSetRequest("s", template, List.of("us-east-1"), List.of(),
                List.of("ou-x"), Map.of(), null, Map.of(), Map.of(), null).check()).option());
        new StackSetRequest("s", template, List.of("us-east-1"), List.of(), List.of("ou-ab12-abcdefgh", "r-ab12"), Map.of(), null, Map.of(),
                Map.of(), null).check();
        TemplateSource network = TemplateSource.ofBody("Parameters: {VpcId: {Type: String}, SubnetIds: {Type: String}}\n"
                + "Resources: {Q: {Type: AWS::SQS::Queue}}\n");
        // subnets without their VPC would be paired with the default VPC: refused before any AWS call
        assertEquals("--region-parameter", assertThrows(BadInput.class, () -> new StackSetRequest("s", network, List.of("us-east-1"),
                List.of(), List.of(), Map.of("us-east-1", Map.of("SubnetIds", "subnet-1")), null, Map.of(), Map.of(), null).check()).option());
        assertThrows(BadInput.class, () -> new StackSetRequest("s", network, List.of("us-east-1"), List.of(), List.of(), Map.of(), null,
                Map.of("SubnetIds", "subnet-1"), Map.of(), null).check());
        new StackSetRequest("s", network, List.of("us-east-1"), List.of(), List.of(), Map.of("us-east-1", Map.of("SubnetIds", "subnet-1")),
                null, Map.of("VpcId", "vpc-1"), Map.of(), null).check();
    }
}
