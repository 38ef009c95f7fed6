package dev.vending.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.S3Object;

import dev.vending.easybuttons.FullTemplates;
import dev.vending.easybuttons.Scenarios;

/** publish and publish --check in-process against a real moto server. */
@Tag("slow")
class PublishMotoTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    static final String REGION = "eu-west-1";
    static final String BUCKET = "runner-buttons";

    TestContext ctx;
    S3Client s3;

    @BeforeEach
    void reset() throws Exception {
        moto.reset();
        ctx = new TestContext();
        s3 = S3Client.builder().region(Region.of(REGION)).endpointOverride(URI.create(moto.endpoint())).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build();
        s3.createBucket(b -> b.bucket(BUCKET).createBucketConfiguration(c -> c.locationConstraint(BucketLocationConstraint.EU_WEST_1)));
    }

    String[] args(String... more) {
        List<String> a = new ArrayList<>(List.of("publish", "--region", REGION, "--endpoint-url", moto.endpoint(), "--bucket", BUCKET));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    Map<String, String> objects(String prefix) {
        Map<String, String> types = new TreeMap<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents()) {
            types.put(o.key(), s3.headObject(b -> b.bucket(BUCKET).key(o.key())).contentType());
        }
        return types;
    }

    @Test
    void publishUploadsEveryFileWithItsTypeAndThePageLinksToThem() {
        TestContext.Result r = ctx.run(args("--prefix", "buttons/v1"));
        assertEquals(0, r.code(), r.all());
        Map<String, String> uploaded = objects("buttons/v1/");
        Map<String, String> expected = new TreeMap<>();
        Scenarios.all().forEach(s -> expected.put("buttons/v1/" + s.templateFile(), "text/yaml; charset=utf-8"));
        FullTemplates.all().forEach(f -> expected.put("buttons/v1/" + f.file(), "text/yaml; charset=utf-8"));
        expected.put("buttons/v1/catalog.yaml", "text/yaml; charset=utf-8");
        expected.put("buttons/v1/README.md", "text/markdown; charset=utf-8");
        assertEquals(expected, uploaded);
        String page = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("buttons/v1/README.md")).asUtf8String();
        String base = "https://" + BUCKET + ".s3." + REGION + ".amazonaws.com/buttons/v1/";
        // every Quick Create link opens a template of this prefix in the bucket's regional endpoint, with the easy button's prefills
        Publisher.Links links = Publisher.links(base + "README.md", page);
        assertEquals(Scenarios.all().size() * 2 + FullTemplates.all().size() * 2 + 2, links.objects().size(), page);
        for (Publisher.Link l : links.objects()) {
            assertEquals(BUCKET, l.bucket(), l.link());
            assertTrue(uploaded.containsKey(l.key()), l.link());
        }
        assertTrue(page.contains("?templateURL=" + base + "linux-arm64-spot-100.yaml&stackName=gitlab-runners-linux-arm64-spot-100&param_RunnerCount=100"), page);
        assertTrue(page.contains("https://" + REGION + ".console.aws.amazon.com/cloudformation/home?region=" + REGION + "#/stacks/create/review"), page);
        assertFalse(page.contains("](../"), "relative links cannot open from S3: " + page);
        assertTrue(r.out().contains("page: " + base + "README.md"), r.out());
        assertTrue(r.out().contains("checked " + links.objects().size() + " links to S3 objects"), r.out());
        // private by default: no bucket policy
        assertTrue(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents().size() == expected.size());
        assertEquals("NoSuchBucketPolicy", assertPolicyMissing());
    }

    String assertPolicyMissing() {
        try {
            s3.getBucketPolicy(b -> b.bucket(BUCKET));
            return "policy present";
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            return e.awsErrorDetails().errorCode();
        }
    }

    @Test
    void checkPassesThenFailsNamingTheLinkWhoseObjectIsGone() {
        assertEquals(0, ctx.run(args()).code());
        TestContext.Result ok = ctx.run(args("--check"));
        assertEquals(0, ok.code(), ok.all());
        assertTrue(ok.out().contains("all found"), ok.out());
        assertFalse(ok.out().contains("uploaded"), "--check uploads nothing: " + ok.out());

        s3.deleteObject(b -> b.bucket(BUCKET).key("vending/windows-spot.yaml"));
        TestContext.Result broken = ctx.run(args("--check"));
        assertEquals(1, broken.code(), broken.all());
        String[] lines = broken.err().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("vending publish: "), broken.err());
        assertTrue(last.contains("templateURL=https://" + BUCKET + ".s3." + REGION + ".amazonaws.com/vending/windows-spot.yaml"), last);
        assertTrue(last.contains("s3://" + BUCKET + "/vending/windows-spot.yaml does not exist"), last);
    }

    @Test
    void jsonOutputIsOneDocumentWithThePage() throws Exception {
        TestContext.Result r = ctx.run(args("--output", "json"));
        assertEquals(0, r.code(), r.all());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("publish", doc.get("command").asText());
        assertEquals("https://" + BUCKET + ".s3." + REGION + ".amazonaws.com/vending/README.md", doc.get("pageUrl").asText());
        assertEquals(Scenarios.all().size() + FullTemplates.all().size() + 2, doc.get("uploaded").size());
        assertEquals(0, doc.get("exitCode").asInt());
        assertTrue(r.err().contains("uploaded s3://"), "progress goes to stderr in JSON mode: " + r.err());
    }

    @Test
    void checkWithoutAPageFails() {
        TestContext.Result r = ctx.run(args("--prefix", "nothing-here", "--check"));
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("no page at s3://" + BUCKET + "/nothing-here/README.md"), r.err());
    }

    @Test
    void publicAddsExactlyThePrefixStatementBesideTheOthers() throws Exception {
        String other = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Theirs\",\"Effect\":\"Deny\",\"Principal\":\"*\","
                + "\"Action\":\"s3:DeleteObject\",\"Resource\":\"arn:aws:s3:::" + BUCKET + "/*\"}]}";
        s3.putBucketPolicy(b -> b.bucket(BUCKET).policy(other));
        TestContext.Result r = ctx.run(args("--prefix", "pub", "--public"));
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("Block Public Access standing in the way of a public prefix: none"), r.out());
        assertFalse(r.err().contains("could not read the account's Block Public Access"), r.err());
        JsonNode policy = new ObjectMapper().readTree(s3.getBucketPolicy(b -> b.bucket(BUCKET)).policy());
        JsonNode statements = policy.get("Statement");
        assertEquals(2, statements.size(), policy.toString());
        assertEquals("Theirs", statements.get(0).get("Sid").asText());
        JsonNode ours = statements.get(1);
        assertEquals("Allow", ours.get("Effect").asText());
        assertEquals("*", ours.get("Principal").asText());
        assertEquals("s3:GetObject", ours.get("Action").asText());
        assertEquals("arn:aws:s3:::" + BUCKET + "/pub/*", ours.get("Resource").asText());
        // a second run replaces its statement instead of adding another
        assertEquals(0, ctx.run(args("--prefix", "pub", "--public")).code());
        assertEquals(2, new ObjectMapper().readTree(s3.getBucketPolicy(b -> b.bucket(BUCKET)).policy()).get("Statement").size());
    }

    @Test
    void publicStopsBeforeUploadingWhenBlockPublicAccessStandsInTheWay() {
        s3.putPublicAccessBlock(b -> b.bucket(BUCKET).publicAccessBlockConfiguration(c -> c.blockPublicPolicy(true).restrictPublicBuckets(true)
                .blockPublicAcls(true).ignorePublicAcls(true)));
        TestContext.Result r = ctx.run(args("--prefix", "pub", "--public"));
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("bucket BlockPublicPolicy, bucket RestrictPublicBuckets"), r.err());
        assertEquals(Map.of(), objects("pub/"));
        assertEquals("NoSuchBucketPolicy", assertPolicyMissing());
    }

    @Test
    void publicNamesTheAccountsBlockPublicAccess() {
        // S3 Control prefixes the host with the account id; moto answers on its own host only
        String host = URI.create(moto.endpoint()).getHost();
        var http = software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create();
        software.amazon.awssdk.http.SdkHttpClient sameHost = new software.amazon.awssdk.http.SdkHttpClient() {
            @Override
            public software.amazon.awssdk.http.ExecutableHttpRequest prepareRequest(software.amazon.awssdk.http.HttpExecuteRequest r) {
                return http.prepareRequest(software.amazon.awssdk.http.HttpExecuteRequest.builder()
                        .request(r.httpRequest().toBuilder().host(host).build()).contentStreamProvider(r.contentStreamProvider().orElse(null)).build());
            }

            @Override
            public void close() {
                http.close();
            }
        };
        try (var control = software.amazon.awssdk.services.s3control.S3ControlClient.builder().region(Region.of(REGION)).httpClient(sameHost)
                .endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build()) {
            control.putPublicAccessBlock(b -> b.accountId("123456789012").publicAccessBlockConfiguration(c -> c.blockPublicPolicy(true)
                    .restrictPublicBuckets(false).blockPublicAcls(false).ignorePublicAcls(false)));
            TestContext.Result r = ctx.run(args("--prefix", "pub", "--public"));
            assertEquals(1, r.code(), r.all());
            assertTrue(r.err().contains("Block Public Access (account BlockPublicPolicy) stops a public bucket policy"), r.err());
            assertEquals(Map.of(), objects("pub/"));
        }
    }

    @Test
    void badInputExitsTwoBeforeAnyAwsCall() {
        ctx.env.remove("AWS_ACCESS_KEY_ID");
        for (String[] bad : List.of(new String[] {"--bucket", "Has.Dots"}, new String[] {"--prefix", "a/../b"},
                new String[] {"--prefix", "", "--public"}, new String[] {"--check", "--public"})) {
            TestContext.Result r = ctx.run(args(bad));
            assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.all());
        }
        assertEquals(Map.of(), objects(""));
    }

    @Test
    void missingBucketIsOneLine() {
        TestContext.Result r = new TestContext().run("publish", "--region", REGION, "--endpoint-url", moto.endpoint(), "--bucket", "no-such-bucket-here");
        assertEquals(1, r.code(), r.all());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertTrue(r.err().contains("bucket no-such-bucket-here does not exist"), r.err());
    }
}
