package dev.vending.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vending.cli.CliRun;
import dev.vending.testing.CfnEvaluator.Evaluated;
import dev.vending.testing.CfnEvaluator.Rejected;

class CfnEvaluatorTest {

    private static final String TEMPLATE = """
            Parameters:
              Env: {Type: String, Default: prod, AllowedValues: [prod, dev]}
              Size: {Type: Number, Default: 2, MinValue: 1, MaxValue: 10}
              Subnets: {Type: 'List<AWS::EC2::Subnet::Id>'}
              Names: {Type: CommaDelimitedList, Default: 'a, b,c'}
              Image: {Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: /aws/service/ami}
              Extra: {Type: String, Default: '', AllowedPattern: '[a-z]*'}
            Mappings:
              Sizes: {prod: {Type: m7g.large}, dev: {Type: t4g.small}}
            Rules:
              DevIsSmall:
                RuleCondition: !Equals [!Ref Env, dev]
                Assertions:
                  - Assert: !Not [!Equals [!Ref Size, '10']]
                    AssertDescription: dev stays small
            Conditions:
              IsProd: !Equals [!Ref Env, prod]
              IsDev: !Not [!Condition IsProd]
              HasExtra: !Not [!Equals [!Ref Extra, '']]
              ProdOrExtra: !Or [!Condition IsProd, !Condition HasExtra]
              ProdAndExtra: !And [!Condition IsProd, !Condition HasExtra]
            Resources:
              Bucket:
                Type: AWS::S3::Bucket
                Condition: IsProd
                Properties:
                  BucketName: !Sub '${AWS::StackName}-${Env}-${!Literal}'
              Role:
                Type: AWS::IAM::Role
                Properties:
                  Path: !Sub ['/${Prefix}/${AWS::Region}/', {Prefix: !FindInMap [Sizes, !Ref Env, Type]}]
                  Arn: !If [IsProd, !Sub 'arn:${AWS::Partition}:s3:::${Bucket}/${Bucket.Arn}', none]
                  MaybeExtra: !If [HasExtra, !Ref Extra, !Ref 'AWS::NoValue']
                  List: [one, !If [IsDev, two, !Ref 'AWS::NoValue'], !Select [1, !Ref Names]]
                  Joined: !Join [',', !Ref Subnets]
                  Split: !Split ['|', 'x|y||z']
                  UserData: !Base64 {'Fn::Sub': 'echo ${Image} ${Size}'}
                  Azs: !GetAZs ''
                  FirstAz: !Select [0, !GetAZs {Ref: 'AWS::Region'}]
                  Suffix: !Ref AWS::URLSuffix
                  Account: !If [IsProd, !GetAtt Bucket.Arn, !Ref 'AWS::NoValue']
              Gone:
                Type: AWS::SNS::Topic
                Condition: IsDev
            Outputs:
              BucketName: {Value: !Ref Bucket, Condition: IsProd}
              DevOnly: {Value: x, Condition: IsDev}
              Always: {Value: !Join ['-', [!Ref Size, !Ref 'AWS::AccountId']]}
            """;

    private static CfnEvaluator template() {
        return CfnEvaluator.fromYaml(TEMPLATE).parameter("Subnets", "subnet-1, subnet-2");
    }

    @Test
    void resolvesEveryIntrinsicAsCloudFormationDoes() {
        Evaluated e = template().ssm("/aws/service/ami", "ami-0abc").stackName("st").region("eu-west-1").evaluate();
        assertEquals(Map.of("IsProd", true, "IsDev", false, "HasExtra", false, "ProdOrExtra", true, "ProdAndExtra", false), e.conditions());
        assertEquals(List.of("subnet-1", "subnet-2"), e.parameters().get("Subnets"));
        assertEquals(List.of("a", "b", "c"), e.parameters().get("Names"), "list items are trimmed as the console does");
        assertEquals("2", e.parameters().get("Size"), "a Number parameter is a string once referenced");
        assertEquals("st-prod-${Literal}", e.properties("Bucket").get("BucketName"));
        Map<String, Object> role = e.properties("Role");
        assertEquals("/m7g.large/eu-west-1/", role.get("Path"));
        assertEquals("arn:aws:s3:::{Ref:Bucket}/{GetAtt:Bucket.Arn}", role.get("Arn"));
        assertFalse(role.containsKey("MaybeExtra"), "AWS::NoValue removes the key");
        assertEquals(List.of("one", "b"), role.get("List"), "AWS::NoValue removes the element");
        assertEquals("subnet-1,subnet-2", role.get("Joined"));
        assertEquals(List.of("x", "y", "", "z"), role.get("Split"));
        assertEquals("echo ami-0abc 2", CfnEvaluator.decodeBase64(role.get("UserData")));
        assertEquals(List.of("eu-west-1a", "eu-west-1b", "eu-west-1c"), role.get("Azs"));
        assertEquals("eu-west-1a", role.get("FirstAz"));
        assertEquals("amazonaws.com", role.get("Suffix"));
        assertEquals("{GetAtt:Bucket.Arn}", role.get("Account"));
        assertFalse(e.has("Gone"));
        assertEquals(List.of("AWS::IAM::Role"), e.ofType("AWS::IAM::Role").stream().map(e::type).toList());
        assertEquals(List.of("BucketName", "Always"), List.copyOf(e.outputs().keySet()));
        assertEquals("2-123456789012", e.output("Always"));
    }

    @Test
    void conditionsFollowTheParameters() {
        Evaluated e = template().parameter("Env", "dev").parameter("Extra", "abc").evaluate();
        assertEquals(Map.of("IsProd", false, "IsDev", true, "HasExtra", true, "ProdOrExtra", true, "ProdAndExtra", false), e.conditions());
        assertFalse(e.has("Bucket"));
        assertTrue(e.has("Gone"));
        assertEquals("none", e.properties("Role").get("Arn"));
        assertFalse(e.properties("Role").containsKey("Account"));
        assertEquals(List.of("DevOnly", "Always"), List.copyOf(e.outputs().keySet()));
        assertEquals("{SSM:/aws/service/ami}", e.parameters().get("Image"));
        assertEquals("cn-north-1", CfnEvaluator.fromYaml("""
                Resources:
                  R: {Type: AWS::SNS::Topic, Properties: {P: !Sub '${AWS::Partition} ${AWS::URLSuffix}', R: !Ref AWS::Region}}
                """).region("cn-north-1").evaluate().properties("R").get("R"));
    }

    @Test
    void aReferenceToAResourceThatIsNotCreatedRejectsTheStack() {
        String yaml = """
                Parameters: {Make: {Type: String, Default: 'no'}}
                Conditions: {Made: !Equals [!Ref Make, 'yes']}
                Resources:
                  Bucket: {Type: AWS::S3::Bucket, Condition: Made}
                  Policy: {Type: AWS::S3::BucketPolicy, Properties: {Bucket: !Sub '${Bucket}'}}
                """;
        Rejected r = assertThrows(Rejected.class, () -> CfnEvaluator.fromYaml(yaml).evaluate());
        assertTrue(r.getMessage().contains("Bucket, which is not created"), r.getMessage());
        assertEquals("{Ref:Bucket}", CfnEvaluator.fromYaml(yaml).parameter("Make", "yes").evaluate().properties("Policy").get("Bucket"));
        assertThrows(Rejected.class, () -> CfnEvaluator.fromYaml("Resources: {R: {Type: T, Properties: {P: !Ref Nope}}}").evaluate());
    }

    @Test
    void parameterValuesTheConsoleWouldRefuseRejectTheStack() {
        assertThrows(Rejected.class, () -> CfnEvaluator.fromYaml(TEMPLATE).evaluate(), "Subnets has no default");
        assertThrows(Rejected.class, () -> template().parameter("Env", "test").evaluate());
        assertThrows(Rejected.class, () -> template().parameter("Size", "11").evaluate());
        assertThrows(Rejected.class, () -> template().parameter("Size", "two").evaluate());
        assertThrows(Rejected.class, () -> template().parameter("Extra", "UPPER").evaluate());
        assertThrows(Rejected.class, () -> template().parameter("Subnets", "").evaluate());
        assertThrows(Rejected.class, () -> template().parameter("Nope", "x").evaluate());
        assertEquals("dev", template().parametersDeclared(Map.of("Nope", "x", "Env", "dev", "Extra", "x")).evaluate().parameters().get("Env"));
        Rejected rule = assertThrows(Rejected.class, () -> template().parameter("Env", "dev").parameter("Size", "10").evaluate());
        assertTrue(rule.getMessage().contains("dev stays small"), rule.getMessage());
    }

    @Test
    void unknownIntrinsicsAndSubOfAListFail() {
        assertThrows(UnsupportedOperationException.class,
                () -> CfnEvaluator.fromYaml("Resources: {R: {Type: T, Properties: {P: !ImportValue x}}}").evaluate());
        assertThrows(UnsupportedOperationException.class,
                () -> CfnEvaluator.fromYaml("Conditions: {C: !Contains [[a], a]}\nResources: {R: {Type: T}}").evaluate());
        assertThrows(Rejected.class, () -> CfnEvaluator.fromYaml("""
                Parameters: {L: {Type: CommaDelimitedList, Default: 'a,b'}}
                Resources: {R: {Type: T, Properties: {P: !Sub '${L}'}}}
                """).evaluate());
    }

    /** The JSON and the YAML writer must say the same thing to CloudFormation. */
    @Test
    void generatedJsonAndYamlEvaluateAlike() {
        for (List<String> flags : List.of(List.of("--runners", "3", "--spot"), List.of("--all-parameters", "--os", "windows"),
                List.of("--all-parameters", "--arch", "arm64", "--spot"))) {
            Map<String, Object> values = Map.of("VpcId", "vpc-1", "SubnetIds", "subnet-1,subnet-2", "RunnerToken", "glrt-test");
            Evaluated yaml = CfnEvaluator.fromText(generate(flags, "yaml")).parameters(values).evaluate();
            Evaluated json = CfnEvaluator.fromText(generate(flags, "json")).parameters(values).evaluate();
            assertEquals(yaml, json, flags.toString());
            assertFalse(yaml.resources().isEmpty());
        }
    }

    private static String generate(List<String> flags, String format) {
        List<String> args = new java.util.ArrayList<>(List.of("generate", "--format", format));
        args.addAll(flags);
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return r.out();
    }
}
