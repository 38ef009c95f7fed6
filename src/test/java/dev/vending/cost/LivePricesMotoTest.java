package dev.vending.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vending.deploy.MotoServer;

/**
 * {@code cost --live-prices} against a real moto server: the SDK's standard AWS_ENDPOINT_URL
 * points it there, so the whole path (credentials, request, paging, averaging) runs. moto's Spot
 * prices are placeholders (0.00001), which is exactly what makes them recognisable here.
 */
@Tag("slow")
class LivePricesMotoTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    @Test
    void spotPriceComesFromDescribeSpotPriceHistory() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.vending.cli.Main",
                "cost", "--spot", "--arch", "arm64", "--region", "us-east-1", "--live-prices", "--format", "json"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().put("AWS_ENDPOINT_URL", moto.endpoint());
        pb.environment().put("AWS_ACCESS_KEY_ID", "testing");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out");
        assertEquals(0, p.exitValue(), err);
        JsonNode json = new ObjectMapper().readTree(out);
        assertEquals(0.00001, json.get("spotPrice").asDouble(), 1e-9, out);
        assertTrue(json.get("spotPriceFrom").asText().startsWith("live: DescribeSpotPriceHistory Linux/UNIX"), out);
        assertTrue(json.get("weeklyUsd").isNumber(), out);
    }
}
