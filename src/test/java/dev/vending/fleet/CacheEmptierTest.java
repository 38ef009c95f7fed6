package dev.vending.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.vending.cfn.TemplateFormat;
import dev.vending.testing.CfnEvaluator;
import dev.vending.testing.CfnEvaluator.Evaluated;
import dev.vending.testing.CfnYaml;

/**
 * Deleting the stack from the console works although the cache bucket holds objects: a custom
 * resource (deleted before the bucket it references) runs inline Python that empties the bucket and
 * answers CloudFormation. The template is evaluated as CloudFormation would; the Python runs for real
 * against moto's S3 (versioned bucket, more than one delete batch, delete markers).
 *
 * <p>What moto cannot show: that CloudFormation invokes the function on DELETE before deleting the
 * bucket (it deletes dependents first; this follows from the Ref, not from a run), the python3.13
 * Lambda runtime itself (the code runs under the local python3), IAM enforcement of the role (moto
 * allows everything by default), the pre-signed S3 response URL, and the 15-minute limit for a huge bucket.
 */
class CacheEmptierTest {
    private static final Map<String, Object> DEPLOY = Map.of(FleetTemplate.P_VPC, "vpc-1", FleetTemplate.P_SUBNETS, "subnet-1",
            FleetTemplate.P_RUNNER_TOKEN, "glrt-x");

    @TempDir
    Path dir;

    private static Evaluated evaluate(FleetSpec spec, boolean all, Map<String, String> parameters) {
        return CfnEvaluator.fromText(TemplateFormat.YAML.render(FleetTemplate.build(spec, all))).parameters(DEPLOY)
                .parameters(parameters).evaluate();
    }

    @Test
    void runnersAreDeletedBeforeTheEmptierSoNoDrainingJobRefillsTheBucket() {
        // CloudFormation deletes a resource before the resources it references: the runner group
        // references the emptier, so its instances (which drain and still upload cache objects) are
        // gone before the emptier empties the bucket; without a cache there is nothing to reference
        for (dev.vending.fleet.Executor executor : List.of(dev.vending.fleet.Executor.DOCKER, dev.vending.fleet.Executor.DOCKER_AUTOSCALER)) {
            FleetSpec spec = executor == dev.vending.fleet.Executor.DOCKER ? FleetSpec.builder().build()
                    : FleetSpec.builder().executor(executor).max(10).build();
            for (boolean all : executor == dev.vending.fleet.Executor.DOCKER ? new boolean[] {false, true} : new boolean[] {false}) {
                Evaluated e = evaluate(spec, all, Map.of());
                List<Map<String, Object>> tags = CfnYaml.at(e.properties("RunnerGroup"), "Tags");
                assertTrue(tags.contains(Map.of("Key", "vending:cache-emptier", "Value", "{Ref:" + CacheEmptier.RESOURCE + "}",
                        "PropagateAtLaunch", false)), executor + (all ? " full" : "") + ": " + tags);
            }
        }
        Evaluated noCache = evaluate(FleetSpec.builder().build(), true, Map.of("CacheEnabled", "false"));
        assertFalse(noCache.has(CacheEmptier.RESOURCE));
        List<Map<String, Object>> tags = CfnYaml.at(noCache.properties("RunnerGroup"), "Tags");
        assertTrue(tags.stream().noneMatch(t -> "vending:cache-emptier".equals(t.get("Key"))), tags.toString());
    }

    @Test
    void theEmptierExistsExactlyWhenTheBucketDoesAndMayTouchThatBucketOnly() {
        FleetSpec spec = FleetSpec.builder().build();
        for (Evaluated e : List.of(evaluate(spec, false, Map.of()), evaluate(spec, true, Map.of()))) {
            assertTrue(e.has("CacheBucket"));
            Map<String, Object> custom = e.properties(CacheEmptier.RESOURCE);
            assertEquals("{Ref:CacheBucket}", custom.get("BucketName"), "references the bucket: deleted before it");
            assertEquals("{GetAtt:" + CacheEmptier.FUNCTION + ".Arn}", custom.get("ServiceToken"));
            Map<String, Object> fn = e.properties(CacheEmptier.FUNCTION);
            assertEquals(CacheEmptier.RUNTIME, fn.get("Runtime"));
            assertEquals("{Ref:RunnerLogGroup}", CfnYaml.at(fn, "LoggingConfig", "LogGroup"));
            String code = CfnYaml.at(fn, "Code", "ZipFile");
            assertTrue(code.length() <= 4096, "inline code limit: " + code.length());
            List<Map<String, Object>> statements = CfnYaml.at(e.properties("CacheEmptierRole"), "Policies", 0, "PolicyDocument",
                    "Statement");
            Map<String, List<String>> grants = new java.util.LinkedHashMap<>();
            for (Map<String, Object> s : statements) {
                assertEquals("Allow", s.get("Effect"));
                grants.put(String.valueOf(s.get("Action")), List.of(String.valueOf(s.get("Resource")).replaceAll("^\\[|]$", "")));
            }
            assertEquals(Map.of(
                    "[s3:ListBucket, s3:ListBucketVersions]", List.of("{GetAtt:CacheBucket.Arn}"),
                    "[s3:DeleteObject, s3:DeleteObjectVersion]", List.of("{GetAtt:CacheBucket.Arn}/*"),
                    "[logs:CreateLogStream, logs:PutLogEvents]", List.of("{GetAtt:RunnerLogGroup.Arn}")), grants);
        }
        Evaluated none = evaluate(FleetSpec.builder().cache(CacheMode.NONE).build(), false, Map.of());
        assertFalse(none.has(CacheEmptier.RESOURCE) || none.has(CacheEmptier.FUNCTION) || none.has("CacheEmptierRole"));
        Evaluated off = evaluate(FleetSpec.builder().build(), true, Map.of("CacheEnabled", "false"));
        assertFalse(off.has(CacheEmptier.RESOURCE) || off.has(CacheEmptier.FUNCTION) || off.has("CacheEmptierRole"),
                "full template without cache: none of it");
    }

    @Test
    void theInlineCodeEmptiesAVersionedBucketAndAnswersCloudFormation() throws Exception {
        String code = CfnYaml.at(evaluate(FleetSpec.builder().build(), false, Map.of()).properties(CacheEmptier.FUNCTION), "Code",
                "ZipFile");
        JsonNode r = InlineLambda.run(code, "empty_bucket_moto.py", dir);
        assertEquals(1209, r.get("versionsBefore").asInt(), "1203 + 3 second versions + 3 delete markers");
        assertEquals(1000, r.get("afterCreate").asInt(), "Create touches nothing (one listing page shows 1000)");
        assertEquals(0, r.get("afterDelete").asInt());
        assertTrue(r.get("bucketDeleted").asBoolean(), "CloudFormation's DeleteBucket then succeeds");
        JsonNode answers = r.get("responses");
        assertEquals(4, answers.size(), "every request is answered: " + answers);
        assertEquals("SUCCESS", answers.get(0).get("Status").asText());
        assertEquals("SUCCESS", answers.get(1).get("Status").asText());
        assertTrue(answers.get(1).get("Reason").asText().contains("deleted 1209 object versions"), answers.get(1).toString());
        assertEquals("fleet-cache", answers.get(1).get("PhysicalResourceId").asText());
        assertEquals("r-Delete", answers.get(1).get("RequestId").asText());
        assertEquals("CacheBucketEmptier", answers.get(1).get("LogicalResourceId").asText());
        assertEquals("SUCCESS", answers.get(2).get("Status").asText(), "a bucket already gone is fine: " + answers.get(2));
        assertEquals("FAILED", answers.get(3).get("Status").asText());
        assertTrue(answers.get(3).get("Reason").asText().contains("AccessDenied"), answers.get(3).toString());
    }
}
