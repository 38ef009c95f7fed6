package dev.vending.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vending.failure.BadInput;

/** The parameter rules without AWS: which value wins, what is missing, what the preview calls a change. */
class ParameterResolverTest {
    static final String IMAGE_TYPE = "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>";
    static final String IMAGE_PATH = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

    static Map<String, TemplateSource.Param> declared() {
        Map<String, TemplateSource.Param> m = new LinkedHashMap<>();
        for (TemplateSource.Param p : List.of(
                new TemplateSource.Param("GitLabUrl", "String", "https://gitlab.com", false),
                new TemplateSource.Param("Secret", "String", null, true),
                new TemplateSource.Param("VpcId", "AWS::EC2::VPC::Id", null, false),
                new TemplateSource.Param("SubnetIds", "List<AWS::EC2::Subnet::Id>", null, false),
                new TemplateSource.Param("RunnerCount", "Number", "3", false),
                new TemplateSource.Param("ImageId", IMAGE_TYPE, IMAGE_PATH, false))) {
            m.put(p.name(), p);
        }
        return m;
    }

    static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void explicitBeatsDerivedBeatsFleetDefaultBeatsPrevious() {
        var r = ParameterResolver.resolve(declared(), true, map("RunnerCount", "9"), map("VpcId", "vpc-derived", "RunnerCount", "7"),
                map("VpcId", "vpc-old", "SubnetIds", "subnet-a,subnet-b", "RunnerCount", "1", "GitLabUrl", "https://old.example", "Secret", "****"));
        assertEquals("9", r.values().get("RunnerCount").value(), "--parameter wins");
        assertEquals("vpc-derived", r.values().get("VpcId").value(), "what deploy derives beats the previous value");
        assertEquals("https://gitlab.com", r.values().get("GitLabUrl").value(), "a fleet's flags live in its defaults");
        assertEquals("subnet-a,subnet-b", r.values().get("SubnetIds").value(), "previous when nothing else gives one");
        assertTrue(r.values().get("Secret").usePrevious(), "NoEcho keeps its hidden value");
        assertEquals(List.of(), r.missing());
        assertEquals(List.copyOf(declared().keySet()), List.copyOf(r.values().keySet()), "the template's order");
    }

    @Test
    void aTemplateFileKeepsPreviousValuesOverItsDefaults() {
        var r = ParameterResolver.resolve(declared(), false, Map.of(), Map.of(), map("GitLabUrl", "https://old.example", "RunnerCount", "5",
                "ImageId", "ami-0123456789abcdef0"));
        assertEquals("https://old.example", r.values().get("GitLabUrl").value());
        assertEquals("5", r.values().get("RunnerCount").value());
        assertEquals(IMAGE_PATH, r.values().get("ImageId").value(), "an SSM-typed parameter with a default is resolved afresh");
        assertEquals(List.of("Secret", "VpcId", "SubnetIds"), r.missing());
    }

    @Test
    void motoListValuesAreReadBackAsAWSWritesThem() {
        var r = ParameterResolver.resolve(declared(), false, Map.of(), Map.of(), map("SubnetIds", "['subnet-a', 'subnet-b']"));
        assertEquals("subnet-a,subnet-b", r.values().get("SubnetIds").value());
    }

    @Test
    void anUnknownParameterNamesTheFlagAndTheChoices() {
        BadInput e = assertThrows(BadInput.class, () -> ParameterResolver.resolve(declared(), true, map("RunnerCnt", "2"), Map.of(), Map.of()));
        assertEquals("--parameter: the template has no parameter 'RunnerCnt' (it has GitLabUrl, Secret, VpcId, SubnetIds, RunnerCount, ImageId)",
                e.line());
    }

    @Test
    void changesListOnlyWhatDiffersAndNeverNoEcho() {
        Map<String, String> previous = map("GitLabUrl", "https://gitlab.com", "Secret", "****", "VpcId", "vpc-1",
                "SubnetIds", "['subnet-a', 'subnet-b']", "RunnerCount", "3", "ImageId", "ami-0123456789abcdef0");
        var r = ParameterResolver.resolve(declared(), true, map("RunnerCount", "5", "Secret", "new"), map("VpcId", "vpc-1"), previous);
        assertEquals(List.of(new Plan.ParameterChange("RunnerCount", "3", "5")), ParameterResolver.changes(declared(), previous, r.values()),
                "subnets equal once read back, the secret is hidden, moto's resolved AMI is not a name to compare");
        var added = ParameterResolver.changes(declared(), map("RunnerCount", "3"), r.values());
        assertTrue(added.contains(new Plan.ParameterChange("GitLabUrl", null, "https://gitlab.com")), "a parameter the stack did not have: " + added);
    }
}
