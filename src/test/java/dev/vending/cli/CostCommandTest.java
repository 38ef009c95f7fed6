package dev.vending.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** cost's report formats and its AWS options (the live lookup itself: LivePricesMotoTest). */
class CostCommandTest {

    static JsonNode json(CliRun r) throws Exception {
        assertEquals(0, r.exitCode(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void outputJsonIsOneDocumentWithTheFigures() throws Exception {
        JsonNode report = json(CliRun.of("cost", "--runners", "3", "--spot", "--arch", "arm64", "--instance-types", "m6g.large",
                "--hours-per-week", "40", "--output", "json"));
        assertEquals(3, report.get("instances").asInt());
        assertEquals("m6g.large", report.get("instanceType").asText());
        assertEquals(40.0, report.get("hoursPerWeek").asDouble());
        assertTrue(report.get("weeklyUsd").asDouble() > 0);
        assertTrue(report.get("weeklyUsd").asDouble() < report.get("baselineWeeklyUsd").asDouble() * 3);
    }

    @Test
    void textIsTheDefaultAndFormatStillWorksAsTheOldSpelling() throws Exception {
        String[] fleet = {"cost", "--runners", "2", "--spot"};
        CliRun text = CliRun.of(fleet);
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(!text.out().startsWith("{") && text.out().contains("$"), text.out());
        assertEquals(CliRun.of(fleet).out(), CliRun.of(concat(fleet, "--output", "text")).out());
        CliRun old = CliRun.of(concat(fleet, "--format", "JSON"));
        assertEquals(CliRun.of(concat(fleet, "--output", "json")).out(), old.out());
        assertTrue(old.err().startsWith("warning: --format is the old name of --output"), old.err());
        assertEquals(0, CliRun.of(concat(fleet, "--output", "json", "--format", "json")).exitCode());
    }

    @Test
    void formatIsNotShownInHelp() {
        CliRun help = CliRun.of("cost", "--help");
        assertTrue(help.out().contains("--output=FORMAT"), help.out());
        assertTrue(!help.out().contains("--format"), help.out());
    }

    @Test
    void badOutputValuesAndMisusedAwsOptionsAreOneLineExitTwo() {
        assertBad("--output", "cost", "--output", "xml");
        assertBad("--format", "cost", "--format", "yaml");
        assertBad("--format", "cost", "--output", "json", "--format", "text");
        assertBad("--live-prices", "cost", "--format", "json", "--live-prices", "--spot-price", "0.1");
        assertBad("--profile", "cost", "--profile", "ci");
        assertBad("--endpoint-url", "cost", "--endpoint-url", "http://localhost:5000");
        assertBad("--endpoint-url", "cost", "--spot", "--live-prices", "--endpoint-url", "localhost:5000");
        assertBad("--endpoint-url", "cost", "--spot", "--live-prices", "--endpoint-url", "ftp://example.com");
        assertBad("--endpoint-url", "cost", "--spot", "--live-prices", "--endpoint-url", "http://");
    }

    static void assertBad(String flag, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.exitCode(), String.join(" ", args) + ": " + r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("vending cost: " + flag + ": "), r.err());
    }

    static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
