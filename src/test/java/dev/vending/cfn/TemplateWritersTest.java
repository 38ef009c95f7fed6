package dev.vending.cfn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vending.testing.CfnYaml;

class TemplateWritersTest {

    private static Map<String, Object> tree(Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("V", value);
        return m;
    }

    @Test
    void scalarIntrinsicsKeepTheirShortFormTags() {
        String yaml = YamlTemplateWriter.write(tree(List.of(Fn.ref("Vpc"), Fn.sub("${AWS::StackName}-x"), Fn.ref("AWS::Region"))));
        assertEquals(List.of("!Ref", "!Sub", "!Ref"), CfnYaml.tags(yaml));
        assertEquals(List.of(Map.of("Ref", "Vpc"), Map.of("Fn::Sub", "${AWS::StackName}-x"), Map.of("Ref", "AWS::Region")),
                CfnYaml.load(yaml).get("V"));
    }

    @Test
    void literalValuesAreWrittenAsThePlainValue() {
        List<Object> values = List.of(CfnValue.of("x"), CfnValue.of(2), CfnValue.of(true), Fn.ifThen(new Condition("C", Fn.equalTo("a", "b")),
                CfnValue.of(2), CfnValue.of(1)));
        assertEquals(YamlTemplateWriter.write(tree(List.of("x", 2, true, Fn.ifThen(new Condition("C", Fn.equalTo("a", "b")), 2, 1)))),
                YamlTemplateWriter.write(tree(values)));
        assertEquals(JsonTemplateWriter.write(tree(List.of("x", 2, true))), JsonTemplateWriter.write(tree(values.subList(0, 3))));
        assertThrows(IllegalArgumentException.class, () -> new CfnValue.Literal(List.of("not", "a", "literal")));
        assertThrows(IllegalArgumentException.class, () -> new CfnValue.Literal(null));
    }

    @Test
    void getAttUsesTheDottedShortForm() {
        Resource r = new dev.vending.cfn.resource.LogGroup("Logs");
        String yaml = YamlTemplateWriter.write(tree(Fn.getAtt(r, "Arn")));
        assertTrue(yaml.contains("V: !GetAtt 'Logs.Arn'") || yaml.contains("V: !GetAtt Logs.Arn"), yaml);
        assertEquals(Map.of("Fn::GetAtt", List.of("Logs", "Arn")), CfnYaml.load(yaml).get("V"));
    }

    @Test
    void sequenceIntrinsicsCarryTheTagOnTheSequence() {
        Condition c = new Condition("HasCache", Fn.equalTo("a", "b"));
        String yaml = YamlTemplateWriter.write(tree(Fn.ifThen(c, Fn.ref("A"), Fn.NO_VALUE)));
        assertEquals(List.of("!If", "!Ref", "!Ref"), CfnYaml.tags(yaml));
        assertEquals(Map.of("Fn::If", List.of("HasCache", Map.of("Ref", "A"), Map.of("Ref", "AWS::NoValue"))),
                CfnYaml.load(yaml).get("V"));
    }

    @Test
    void nestedIntrinsicFallsBackToLongFormForTheInnerOne() {
        String yaml = YamlTemplateWriter.write(tree(Fn.base64(Fn.sub("echo ${AWS::Region}"))));
        // One node, one tag: the outer keeps !Base64, the inner becomes a Fn::Sub key.
        assertTrue(yaml.contains("V: !Base64\n  Fn::Sub: echo ${AWS::Region}\n"), yaml);
        assertEquals(List.of("!Base64"), CfnYaml.tags(yaml));
        assertEquals(Map.of("Fn::Base64", Map.of("Fn::Sub", "echo ${AWS::Region}")), CfnYaml.load(yaml).get("V"));
    }

    @Test
    void deeperNestingStaysValid() {
        Object v = new Intrinsic("Fn::Select", List.of(0, new Intrinsic("Fn::GetAZs", "")));
        String yaml = YamlTemplateWriter.write(tree(Fn.base64(Fn.join("", List.of(Fn.sub("a ${X}"), "b\nc\n")))));
        assertEquals(Map.of("Fn::Base64", Map.of("Fn::Join", List.of("", List.of(Map.of("Fn::Sub", "a ${X}"), "b\nc\n")))),
                CfnYaml.load(yaml).get("V"));
        String sel = YamlTemplateWriter.write(tree(v));
        assertEquals(Map.of("Fn::Select", List.of(0L, Map.of("Fn::GetAZs", ""))), CfnYaml.load(sel).get("V"));
    }

    @Test
    void multiLineStringsAreLiteralBlocks() {
        String yaml = YamlTemplateWriter.write(tree("#!/bin/bash\necho \"$HOME\" 'x'\n"));
        assertTrue(yaml.startsWith("V: |\n  #!/bin/bash\n  echo \"$HOME\" 'x'\n"), yaml);
    }

    @Test
    void taggedMultiLineStringsAreLiteralBlocksToo() {
        String yaml = YamlTemplateWriter.write(tree(Fn.sub("echo ${AWS::Region}\necho done\n")));
        assertTrue(yaml.startsWith("V: !Sub |\n  echo ${AWS::Region}\n  echo done\n"), yaml);
        assertEquals(Map.of("Fn::Sub", "echo ${AWS::Region}\necho done\n"), CfnYaml.load(yaml).get("V"));
    }

    @Test
    void taggedScalarsThatLookLikeOtherTypesStayStrings() {
        String yaml = YamlTemplateWriter.write(tree(List.of(Fn.ref("true"), Fn.sub("123"), Fn.ref("null"))));
        assertEquals(List.of("!Ref", "!Sub", "!Ref"), CfnYaml.tags(yaml));
        assertEquals(List.of(Map.of("Ref", "true"), Map.of("Fn::Sub", "123"), Map.of("Ref", "null")), CfnYaml.load(yaml).get("V"));
    }

    @Test
    void stringsThatLookLikeOtherTypesStayStrings() {
        String yaml = YamlTemplateWriter.write(tree(List.of("true", "123", "2010-09-09", "null", "yes", "", "0.5", "*", "a: b")));
        assertEquals(List.of("true", "123", "2010-09-09", "null", "yes", "", "0.5", "*", "a: b"), CfnYaml.load(yaml).get("V"));
        String numbers = YamlTemplateWriter.write(tree(List.of(1, 2.5, true)));
        assertEquals(List.of(1L, 2.5, true), CfnYaml.load(numbers).get("V"));
    }

    @Test
    void unsupportedValuesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> YamlTemplateWriter.write(tree(new Object())));
        assertThrows(IllegalArgumentException.class, () -> JsonTemplateWriter.write(tree(new Object())));
    }

    @Test
    void jsonUsesLongFormEverywhere() throws Exception {
        String json = JsonTemplateWriter.write(tree(Fn.base64(Fn.sub("x ${AWS::Region}"))));
        JsonNode node = new ObjectMapper().readTree(json);
        assertEquals("x ${AWS::Region}", node.at("/V/Fn::Base64/Fn::Sub").asText());
        assertFalse(json.contains("!"));
    }

    @Test
    void templateSectionsComeInCloudFormationOrderWithInterfaceMetadata() {
        Template t = new Template("d");
        Parameter p = t.add(Parameter.string("Url").group("GitLab").label("GitLab URL").defaultValue("https://gitlab.com"));
        t.add(Parameter.string("Token").group("GitLab").noEcho().defaultValue(""));
        t.add(new Condition("C", Fn.equalTo(Fn.ref(p), "")));
        t.add(new dev.vending.cfn.resource.LogGroup("Logs").retentionInDays(7));
        t.add(new Output("O", "out", Fn.ref("Logs")));
        Map<String, Object> doc = CfnYaml.load(TemplateFormat.YAML.render(t));
        assertEquals(List.of("AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Conditions", "Resources", "Outputs"),
                List.copyOf(doc.keySet()));
        assertEquals(List.of("Url", "Token"), CfnYaml.at(doc, "Metadata", "AWS::CloudFormation::Interface", "ParameterGroups", 0, "Parameters"));
        assertEquals("GitLab URL", CfnYaml.at(doc, "Metadata", "AWS::CloudFormation::Interface", "ParameterLabels", "Url", "default"));
        assertEquals(true, CfnYaml.at(doc, "Parameters", "Token", "NoEcho"));
        assertThrows(IllegalStateException.class, () -> t.add(Parameter.string("Url")));
    }

    @Test
    void sameTemplateSameBytes() {
        Template a = new Template("d");
        a.add(new dev.vending.cfn.resource.LogGroup("Logs").retentionInDays(7));
        assertEquals(TemplateFormat.YAML.render(a), TemplateFormat.YAML.render(a));
        assertEquals(TemplateFormat.JSON.render(a), TemplateFormat.JSON.render(a));
    }

    @Test
    void aTemplateOverTheInlineLimitIsWrittenWithUnindentedSequencesAndMeansTheSame() throws Exception {
        List<Object> items = new java.util.ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            items.add(Map.of("Fn::Sub", List.of("item-${X}-" + i, Map.of("X", Map.of("Ref", "AWS::Region")))));
        }
        Map<String, Object> big = tree(items);
        String indented = YamlTemplateWriter.write(big, true);
        assertTrue(indented.length() > Template.INLINE_BODY_LIMIT_BYTES, "the case must need the fallback: " + indented.length());
        String written = YamlTemplateWriter.write(big);
        assertTrue(written.length() < indented.length(), "the fallback is smaller");
        assertTrue(written.startsWith("V:\n- "), "sequence items at their key's column: " + written.substring(0, 40));
        assertEquals(CfnYaml.load(indented), CfnYaml.load(written), "the same document as CloudFormation reads it");
        Map<String, Object> small = tree(List.of("a", "b"));
        assertEquals(YamlTemplateWriter.write(small, true), YamlTemplateWriter.write(small), "small templates keep indented sequences");
        assertTrue(YamlTemplateWriter.write(small).startsWith("V:\n  - a\n"), YamlTemplateWriter.write(small));
    }
}
