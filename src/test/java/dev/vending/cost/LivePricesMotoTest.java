package dev.vending.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vending.deploy.MotoServer;

/**
 * {@code cost --live-prices} against a real moto server, reached through the SDK's standard
 * AWS_ENDPOINT_URL or through --endpoint-url, with credentials from the environment or from
 * --profile; so the whole path (credentials, request, paging, averaging) runs. moto's Spot
 * prices are placeholders (0.00001), which is exactly what makes them recognisable here.
 */
@Tag("slow")
class LivePricesMotoTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    /** A fresh JVM with no AWS_* variables but the given ones, no IMDS, and AWS files under the temp dir. */
    Run cost(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.vending.cli.Main", "cost"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        pb.environment().put("AWS_CONFIG_FILE", dir.resolve("config").toString());
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("credentials").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out");
        return new Run(p.exitValue(), out, err);
    }

    static void assertLivePrice(Run r) throws Exception {
        assertEquals(0, r.exit(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(0.00001, json.get("spotPrice").asDouble(), 1e-9, r.out());
        assertTrue(json.get("spotPriceFrom").asText().startsWith("live: DescribeSpotPriceHistory Linux/UNIX"), r.out());
        assertTrue(json.get("weeklyUsd").isNumber(), r.out());
    }

    @Test
    void spotPriceComesFromDescribeSpotPriceHistoryAtAwsEndpointUrl() throws Exception {
        // --format is the deprecated spelling of --output and still works
        assertLivePrice(cost(Map.of("AWS_ENDPOINT_URL", moto.endpoint(), "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing"),
                "--spot", "--arch", "arm64", "--region", "us-east-1", "--live-prices", "--format", "json"));
    }

    @Test
    void endpointUrlFlagSendsTheCallThere() throws Exception {
        Map<String, String> keys = Map.of("AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing");
        assertLivePrice(cost(keys, "--spot", "--region", "us-east-1", "--live-prices", "--output", "json",
                "--endpoint-url", moto.endpoint()));
        // the control: the flag wins over AWS_ENDPOINT_URL, which here points at a closed port
        Map<String, String> deadEnv = new java.util.HashMap<>(keys);
        deadEnv.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
        assertEquals(1, cost(deadEnv, "--spot", "--live-prices", "--output", "json").exit());
        assertLivePrice(cost(deadEnv, "--spot", "--live-prices", "--output", "json", "--endpoint-url", moto.endpoint()));
    }

    @Test
    void profileFlagTakesTheCredentialsFromThatProfile() throws Exception {
        Files.writeString(dir.resolve("credentials"), "[pricing]\naws_access_key_id = testing\naws_secret_access_key = testing\n");
        Files.writeString(dir.resolve("config"), "[profile pricing]\nregion = us-east-1\n");
        // no keys in the environment and no default profile: without --profile the SDK finds no credentials
        Run without = cost(Map.of(), "--spot", "--live-prices", "--output", "json", "--endpoint-url", moto.endpoint());
        assertEquals(1, without.exit(), without.err());
        assertEquals(1, without.err().strip().lines().count(), without.err());
        assertLivePrice(cost(Map.of(), "--spot", "--live-prices", "--output", "json", "--endpoint-url", moto.endpoint(),
                "--profile", "pricing"));
        Run missing = cost(Map.of(), "--spot", "--live-prices", "--endpoint-url", moto.endpoint(), "--profile", "nosuch");
        assertEquals(1, missing.exit(), missing.err());
        assertTrue(missing.err().contains("nosuch"), missing.err());
    }
}
