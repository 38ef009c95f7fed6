package dev.vending.easybuttons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.vending.cfn.Template;
import dev.vending.cli.Main;
import dev.vending.fleet.FleetTemplate;

class EasyButtonsTest {
    static final String OUT = "easybuttons/";
    static final String REGION = "us-east-1";
    static final String REGENERATE = EasyButtons.command(OUT, EasyButtons.DEFAULT_BASE_URL, REGION);

    static Path projectDir() {
        return Path.of(System.getProperty("vending.project.dir", "."));
    }

    static Set<String> names(Path dir) throws Exception {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }

    @Test
    void checkedInEasyButtonsAreWhatTheCommandWrites(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("easybuttons");
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"easybuttons", "--out", out.toString(), "--template-base-url", EasyButtons.DEFAULT_BASE_URL,
                "--region", REGION}, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        // the README names the command; regenerate it with the checked-in directory's name
        Files.writeString(out.resolve(EasyButtons.README), EasyButtons.render(EasyButtons.DEFAULT_BASE_URL, REGION, OUT)
                .get(EasyButtons.README), StandardCharsets.UTF_8);
        Path checkedIn = projectDir().resolve("easybuttons");
        String hint = "easybuttons/ is out of date; from the project directory run:\n  " + REGENERATE
                + "\nwithout an installed vending: ./mvnw -q -B -o compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt"
                + " && java -cp target/classes:$(cat target/cp.txt) dev.vending.cli.Main " + REGENERATE.substring("vending ".length())
                + "\nthen review and commit easybuttons/";
        if (!Files.isDirectory(checkedIn)) {
            fail("missing " + checkedIn + "; " + hint);
        }
        assertEquals(names(out), names(checkedIn), hint);
        List<String> differ = new ArrayList<>();
        for (String name : names(out)) {
            if (!java.util.Arrays.equals(Files.readAllBytes(out.resolve(name)), Files.readAllBytes(checkedIn.resolve(name)))) {
                differ.add(name);
            }
        }
        assertTrue(differ.isEmpty(), "differ: " + differ + "; " + hint);
    }

    @Test
    void renderIsDeterministic() {
        assertEquals(EasyButtons.render(EasyButtons.DEFAULT_BASE_URL, REGION, OUT),
                EasyButtons.render(EasyButtons.DEFAULT_BASE_URL, REGION, OUT));
    }

    @Test
    void templatesFitInlineAndAskOnlyForTheToken() throws Exception {
        Map<String, String> r = EasyButtons.render(EasyButtons.DEFAULT_BASE_URL, REGION, OUT);
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        int templates = 0;
        for (var f : r.entrySet()) {
            if (!f.getKey().endsWith(".yaml")) {
                continue;
            }
            templates++;
            int size = f.getValue().getBytes(StandardCharsets.UTF_8).length;
            assertTrue(size < Template.INLINE_BODY_LIMIT_BYTES, f.getKey() + " is " + size + " bytes");
            JsonNode t = yaml.readTree(f.getValue());
            Set<String> required = new TreeSet<>();
            t.get("Parameters").fields().forEachRemaining(p -> {
                if (!p.getValue().has("Default")) {
                    required.add(p.getKey());
                }
            });
            // the Quick Create form needs only the token: every parameter has a default (VPC and subnets
            // empty: the stack finds the default VPC), and the token alone makes a stack CloudFormation accepts
            assertEquals(Set.of(), required, f.getKey());
            assertEquals("", t.get("Parameters").get(FleetTemplate.P_VPC).get("Default").asText(), f.getKey());
            assertEquals("", t.get("Parameters").get(FleetTemplate.P_SUBNETS).get("Default").asText(), f.getKey());
            dev.vending.testing.CfnEvaluator.Evaluated onlyToken = dev.vending.testing.CfnEvaluator.fromText(f.getValue())
                    .parameters(Map.of(FleetTemplate.P_RUNNER_TOKEN, "glrt-x")).evaluate();
            assertTrue(onlyToken.has("DefaultNetwork"), f.getKey());
            assertThrows(dev.vending.testing.CfnEvaluator.Rejected.class,
                    () -> dev.vending.testing.CfnEvaluator.fromText(f.getValue()).evaluate(), f.getKey() + ": no token, no stack");
            assertEquals("", t.get("Parameters").get(FleetTemplate.P_RUNNER_TOKEN).get("Default").asText(), f.getKey());
            assertEquals("", t.get("Parameters").get(FleetTemplate.P_TOKEN_PARAMETER).get("Default").asText(), f.getKey());
            assertTrue(t.has("Rules") && t.get("Rules").size() > 0, f.getKey() + " has no Rules demanding a token");
        }
        assertEquals(Scenarios.all().size(), templates);
        assertTrue(templates >= 7);
        String readme = r.get(EasyButtons.README);
        assertTrue(readme.contains("fill in only the **Runner token**"), readme);
        assertTrue(readme.contains("**VPC** and **Subnets** are optional"), readme);
        assertFalse(readme.contains("VPC** and **Subnets**: "), "no longer asks for the network: " + readme);
    }

    @Test
    void hundredGravitonSpotRunners() throws Exception {
        Scenario s = Scenarios.all().stream().filter(x -> x.id().equals("linux-arm64-spot-100")).findFirst().orElseThrow();
        assertEquals(100, s.spec().capacity().desired());
        assertTrue(s.spec().purchase().allSpotOnly());
        assertEquals(dev.vending.fleet.Arch.ARM64, s.spec().arch());
        String yamlText = EasyButtons.render(EasyButtons.DEFAULT_BASE_URL, REGION, OUT).get(s.templateFile());
        JsonNode t = new ObjectMapper(new YAMLFactory()).readTree(yamlText);
        assertEquals(100, t.get("Parameters").get(FleetTemplate.P_RUNNER_COUNT).get("Default").asInt());
        assertEquals("https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/create/review"
                + "?templateURL=https://b.s3.amazonaws.com/e/linux-arm64-spot-100.yaml&stackName=gitlab-runners-linux-arm64-spot-100"
                + "&param_RunnerCount=100", EasyButtons.quickCreateLink(s, "https://b.s3.amazonaws.com/e", "us-east-1"));
    }

    @Test
    void coversTheOldTable() {
        List<Scenario> all = Scenarios.all();
        assertTrue(all.stream().anyMatch(s -> s.spec().purchase().mixed() && s.spec().purchase().onDemandBase() > 0));
        assertTrue(all.stream().anyMatch(s -> s.spec().schedule() != null));
        for (var os : dev.vending.fleet.OperatingSystem.values()) {
            assertTrue(all.stream().anyMatch(s -> s.spec().os() == os && s.spec().purchase().allSpotOnly()), os + " Spot");
            assertTrue(all.stream().anyMatch(s -> s.spec().os() == os && s.spec().purchase().allOnDemandOnly()), os + " On-Demand");
        }
        assertEquals(all.size(), all.stream().map(Scenario::id).distinct().count());
    }

    @Test
    void badArgumentsExitTwo() {
        for (String[] args : List.of(new String[] {"easybuttons", "--out", "x", "--template-base-url", "http://example.com/e"},
                new String[] {"easybuttons", "--out", "x", "--template-base-url", "https://b.s3.amazonaws.com", "--region", "mars"},
                new String[] {"easybuttons", "--template-base-url", "https://b.s3.amazonaws.com"})) {
            StringWriter err = new StringWriter();
            assertEquals(2, Main.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)), err.toString());
            assertEquals(1, err.toString().strip().lines().count(), err.toString());
        }
    }

    @Test
    void s3Urls() {
        assertTrue(EasyButtons.isS3("https://my-bucket.s3.amazonaws.com/e"));
        assertTrue(EasyButtons.isS3("https://my-bucket.s3.eu-west-1.amazonaws.com/e"));
        assertTrue(EasyButtons.isS3("https://s3.amazonaws.com/my-bucket/e"));
        assertTrue(!EasyButtons.isS3(EasyButtons.DEFAULT_BASE_URL));
    }
}
