package dev.vending.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

/**
 * What moto cannot produce (rollbacks, per-resource failure events, throttling, 5xx), from
 * CloudFormation query-protocol XML responses in src/test/resources/deploy, served by WireMock on
 * loopback and read by the real SDK client.
 */
class RecordedCloudFormationTest {
    static final String ARN = "arn:aws:cloudformation:us-east-1:123456789012:stack/web/5b3c1e70-0000-4000-8000-000000000001";

    WireMockServer wm;
    TestContext ctx;
    Path template;

    @BeforeEach
    void start(@TempDir Path dir) throws IOException {
        wm = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
        ctx = new TestContext();
        template = dir.resolve("template.json");
        Files.writeString(template, resource("template-small.json"));
    }

    @AfterEach
    void stop() {
        wm.stop();
    }

    static String resource(String name) throws IOException {
        try (InputStream in = RecordedCloudFormationTest.class.getResourceAsStream("/deploy/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    MappingBuilder action(String action) {
        return post(urlEqualTo("/")).withRequestBody(containing("Action=" + action + "&"));
    }

    void stub(MappingBuilder m, int status, String file) throws IOException {
        wm.stubFor(m.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody(resource(file))));
    }

    TestContext.Result deploy(String... more) {
        String[] base = {"deploy", "--region", "us-east-1", "--endpoint-url", wm.baseUrl(), "--template-file", template.toString(),
                "--stack-name", "web"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return ctx.run(all);
    }

    @Test
    void failedUpdateListsFailingResourceAfterThrottlingAnd5xx() throws IOException {
        // DescribeStacks by name: throttled once, then the settled stack.
        stub(action("DescribeStacks").withRequestBody(matching(".*StackName=web(&.*)?")).inScenario("throttle")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ok"), 400, "error-throttling.xml");
        stub(action("DescribeStacks").withRequestBody(matching(".*StackName=web(&.*)?")).inScenario("throttle")
                .whenScenarioStateIs("ok"), 200, "describe-stacks-update-complete.xml");
        // Polls go by stack id, after execute.
        stub(action("DescribeStacks").withRequestBody(containing("StackName=arn")), 200, "describe-stacks-update-rollback-complete.xml");
        stub(action("CreateChangeSet"), 200, "create-change-set.xml");
        wm.stubFor(action("DescribeChangeSet").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("up")
                .willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));
        stub(action("DescribeChangeSet").inScenario("flaky").whenScenarioStateIs("up"), 200, "describe-change-set-modify.xml");
        stub(action("DescribeStackEvents").inScenario("run").whenScenarioStateIs(Scenario.STARTED), 200, "describe-stack-events-before.xml");
        stub(action("ExecuteChangeSet").inScenario("run").willSetStateTo("executed"), 200, "execute-change-set.xml");
        stub(action("DescribeStackEvents").inScenario("run").whenScenarioStateIs("executed"), 200,
                "describe-stack-events-after-update-rollback.xml");

        TestContext.Result r = deploy("--yes");

        assertEquals(1, r.code(), r.all());
        assertTrue(r.out().contains("~ Modify   AWS::Logs::LogGroup                      Logs                               replace"), r.all());
        // events after the marker only, oldest first, each once
        String out = r.out();
        assertFalse(out.contains("10:00:00"), "the marker and older events are not shown");
        int inProgress = out.indexOf("UPDATE_IN_PROGRESS                           web");
        int failed = out.indexOf("UPDATE_FAILED");
        int rolledBack = out.indexOf("UPDATE_ROLLBACK_COMPLETE                     web");
        assertTrue(inProgress >= 0 && inProgress < failed && failed < rolledBack, out);
        assertEquals(out.indexOf("UPDATE_FAILED"), out.lastIndexOf("UPDATE_FAILED"), "de-duplicated");
        assertTrue(out.contains("1 of 1 resources done"), r.all());
        assertTrue(r.err().contains("failed: Logs (AWS::Logs::LogGroup): Resource handler returned message: \"User: "
                + "arn:aws:sts::123456789012:assumed-role/deployer is not authorized to perform: logs:PutRetentionPolicy\""), r.err());
        assertTrue(r.err().contains("vending deploy: stack web ended in UPDATE_ROLLBACK_COMPLETE; the update rolled back, "
                + "the stack runs its previous version"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");
        // one retry each for the throttle and the 503
        wm.verify(2, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeStacks&")).withRequestBody(matching(".*StackName=web(&.*)?")));
        wm.verify(2, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeChangeSet&")));
        wm.verify(1, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("ChangeSetType=UPDATE")));
    }

    @Test
    void aChangeSetThatNeverBecomesReadyIsNotExecuted() throws IOException {
        stub(action("DescribeStacks"), 200, "describe-stacks-update-complete.xml");
        stub(action("CreateChangeSet"), 200, "create-change-set.xml");
        stub(action("DescribeChangeSet"), 200, "describe-change-set-in-progress.xml");
        stub(action("DescribeStackEvents"), 200, "describe-stack-events-before.xml");
        stub(action("ExecuteChangeSet"), 200, "execute-change-set.xml");

        TestContext.Result r = deploy("--yes", "--timeout", "2s");

        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("change set vending-20261127-100000-abcd still CREATE_IN_PROGRESS after 2s; it was not executed"), r.err());
        wm.verify(0, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=ExecuteChangeSet&")));
        assertTrue(wm.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DescribeChangeSet&"))).size() > 2,
                "polled until the limit");
    }

    @Test
    void rollbackCompleteIsExplainedAndNotTouchedWithoutReplaceFailed() throws IOException {
        stub(action("DescribeStacks"), 200, "describe-stacks-rollback-complete.xml");
        TestContext.Result r = deploy("--yes");
        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("stack web is in ROLLBACK_COMPLETE: its first create failed and rolled back, "
                + "and CloudFormation cannot update such a stack."), r.err());
        assertTrue(r.err().contains("run deploy again with --replace-failed to delete it and create it anew"), r.err());
        wm.verify(0, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=CreateChangeSet&")));
        wm.verify(0, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DeleteStack&")));
    }

    @Test
    void replaceFailedDeletesTheRolledBackStackThenCreatesItAnew() throws IOException {
        String oldId = ".*5b3c1e70-0000-4000-8000-000000000001.*";
        String newId = ".*5b3c1e70-0000-4000-8000-000000000009.*";
        stub(action("DescribeStacks").withRequestBody(matching(".*StackName=web(&.*)?")), 200, "describe-stacks-rollback-complete.xml");
        // the old stack: marker, then DeleteStack, then its deletion events and final state
        stub(action("DescribeStackEvents").withRequestBody(matching(oldId)).inScenario("replace").whenScenarioStateIs(Scenario.STARTED),
                200, "describe-stack-events-before.xml");
        stub(action("DeleteStack").withRequestBody(matching(oldId)).inScenario("replace").willSetStateTo("deleting"), 200,
                "delete-stack.xml");
        stub(action("DescribeStackEvents").withRequestBody(matching(oldId)).inScenario("replace").whenScenarioStateIs("deleting"),
                200, "describe-stack-events-after-delete.xml");
        stub(action("DescribeStacks").withRequestBody(matching(oldId)), 200, "describe-stacks-delete-complete.xml");
        // the new stack: a CREATE change set, executed, its events and final state
        stub(action("CreateChangeSet").withRequestBody(containing("ChangeSetType=CREATE")), 200, "create-change-set-new-stack.xml");
        stub(action("DescribeChangeSet"), 200, "describe-change-set-add.xml");
        stub(action("DescribeStackEvents").withRequestBody(matching(newId)).inScenario("new").whenScenarioStateIs(Scenario.STARTED),
                200, "describe-stack-events-new-review.xml");
        stub(action("ExecuteChangeSet").inScenario("new").willSetStateTo("executed"), 200, "execute-change-set.xml");
        stub(action("DescribeStackEvents").withRequestBody(matching(newId)).inScenario("new").whenScenarioStateIs("executed"),
                200, "describe-stack-events-after-create.xml");
        stub(action("DescribeStacks").withRequestBody(matching(newId)), 200, "describe-stacks-create-complete.xml");

        TestContext.Result r = deploy("--yes", "--replace-failed");

        assertEquals(0, r.code(), r.all());
        String out = r.out();
        assertTrue(out.contains("stack web is in ROLLBACK_COMPLETE; deleting it first (--replace-failed)"), r.all());
        assertTrue(out.contains("+ Add      AWS::Logs::LogGroup"), r.all());
        int deleted = out.indexOf("DELETE_COMPLETE");
        int created = out.indexOf("CREATE_COMPLETE ");
        assertTrue(deleted >= 0 && created > deleted, "deletion is shown, then the new stack's creation:\n" + out);
        assertFalse(out.contains("10:00:00"), "events before the marker are not shown");
        wm.verify(1, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=DeleteStack&")));
        wm.verify(1, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("ChangeSetType=CREATE")));
        wm.verify(0, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("ChangeSetType=UPDATE")));
    }

    @Test
    void accessDeniedIsOneLineWithoutStackTrace() throws IOException {
        stub(action("DescribeStacks"), 403, "error-access-denied.xml");
        TestContext.Result r = deploy("--yes");
        assertEquals(1, r.code(), r.all());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("vending deploy: deploy web: AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized"), r.err());
        assertTrue(r.err().contains("(the credentials in use lack this permission)"), r.err());

        TestContext.Result verbose = deploy("--yes", "--verbose");
        assertTrue(verbose.err().contains("\tat software.amazon.awssdk"), "stack trace with --verbose");
    }

    TestContext.Result command(String... args) {
        String[] base = {"--region", "us-east-1", "--endpoint-url", wm.baseUrl()};
        String[] all = new String[args.length + base.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(base, 0, all, args.length, base.length);
        return ctx.run(all);
    }

    @Test
    void withoutTerminalOrYesNothingReachesAws() {
        // Exit 2 means nothing changed: refused before the first request (today's code made a change set first).
        TestContext.Result deploy = deploy();
        assertEquals(2, deploy.code(), deploy.all());
        assertTrue(deploy.err().contains("--yes: no terminal to confirm on"), deploy.err());
        TestContext.Result destroy = command("destroy", "--stack-name", "web");
        assertEquals(2, destroy.code(), destroy.all());
        assertTrue(destroy.err().contains("--yes: no terminal to confirm on"), destroy.err());
        assertEquals(0, wm.getAllServeEvents().size(), "requests were made");
    }

    /** destroy's stubs up to the deletion: the stack by name, its resources, the marker, DeleteStack. */
    void destroyStubs() throws IOException {
        stub(action("ListStackResources"), 200, "list-stack-resources.xml");
        stub(action("DescribeStackEvents").inScenario("events").whenScenarioStateIs(Scenario.STARTED), 200, "describe-stack-events-before.xml");
        stub(action("DeleteStack").inScenario("events").willSetStateTo("deleting"), 200, "delete-stack.xml");
        stub(action("DescribeStackEvents").inScenario("events").whenScenarioStateIs("deleting"), 200, "describe-stack-events-after-delete.xml");
        wm.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM.DeleteParameter"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1").withBody("{}")));
    }

    @Test
    void destroyIsNotSuccessWhileTheStackNameStillAnswers() throws IOException {
        destroyStubs();
        stub(action("DescribeStacks").withRequestBody(matching(".*StackName=web(&.*)?")), 200, "describe-stacks-update-complete.xml");
        stub(action("DescribeStacks").withRequestBody(containing("StackName=arn")), 200, "describe-stacks-delete-complete.xml");

        TestContext.Result r = command("destroy", "--stack-name", "web", "--yes");

        assertEquals(1, r.code(), r.all());
        assertTrue(r.err().contains("stack web still exists in us-east-1 after its deletion completed (UPDATE_COMPLETE); "
                + "the runner token in /vending/web/runner-token was kept"), r.err());
        assertFalse(r.out().contains("done: stack web deleted"), r.out());
        wm.verify(0, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM.DeleteParameter")));
    }

    @Test
    void destroyWaitsPastAStaleReadUntilTheStackIsGone() throws IOException {
        destroyStubs();
        stub(action("DescribeStacks").withRequestBody(matching(".*StackName=web(&.*)?")).inScenario("events")
                .whenScenarioStateIs(Scenario.STARTED), 200, "describe-stacks-update-complete.xml");
        stub(action("DescribeStacks").withRequestBody(matching(".*StackName=web(&.*)?")).inScenario("events")
                .whenScenarioStateIs("deleting"), 400, "error-stack-does-not-exist.xml");
        // right after DeleteStack, a read by id may still show the settled stack
        stub(action("DescribeStacks").withRequestBody(containing("StackName=arn")).inScenario("poll")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("deleted"), 200, "describe-stacks-update-complete.xml");
        stub(action("DescribeStacks").withRequestBody(containing("StackName=arn")).inScenario("poll")
                .whenScenarioStateIs("deleted"), 200, "describe-stacks-delete-complete.xml");

        TestContext.Result r = command("destroy", "--stack-name", "web", "--yes");

        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("DELETE_COMPLETE"), r.out());
        assertTrue(r.out().contains("deleted runner token parameter /vending/web/runner-token"), r.out());
        assertTrue(r.out().contains("done: stack web deleted"), r.out());
        wm.verify(1, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM.DeleteParameter")));
    }

    private void fixedFleetStatusStubs() throws IOException {
        stub(action("DescribeStacks").withRequestBody(matching(".*StackName=vending-ci(&.*)?")), 200, "describe-stacks-with-outputs.xml");
        stub(action("DescribeAutoScalingGroups"), 200, "describe-auto-scaling-groups.xml");
        stub(action("DescribeScalingActivities"), 200, "describe-scaling-activities-failed.xml");
        stub(action("DescribeInstances"), 200, "describe-instances.xml");
        stub(action("DescribePolicies"), 200, "describe-policies-none.xml"); // a fixed fleet: no scaling policy
    }

    @Test
    void statusWithoutListStackResourcesSaysTheAlarmWasNotLookedUp() throws IOException {
        fixedFleetStatusStubs();
        stub(action("ListStackResources"), 403, "error-access-denied.xml");
        TestContext.Result r = command("status", "--name", "ci");
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("\nalarm: not looked up: AccessDenied: "), r.out());
        assertTrue(r.out().contains("group vending-ci-RunnerGroup-7QX2: desired 2"), "the rest is shown: " + r.out());
    }

    @Test
    void statusShowsOutputsAndFailedLaunchesWithTheirLogStream() throws IOException {
        fixedFleetStatusStubs();
        // --alarm-topic-arn: the alarm CloudFormation named, and its state in CloudWatch's CBOR protocol (the SDK's)
        stub(action("ListStackResources"), 200, "list-stack-resources-with-alarm.xml");
        wm.stubFor(post(urlEqualTo("/service/GraniteServiceVersion20100801/operation/DescribeAlarms"))
                .withRequestBody(containing("vending-ci-RunnersInServiceAlarm-9ZK3EXAMPLE")) // CBOR keeps text as UTF-8
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/cbor").withHeader("smithy-protocol", "rpc-v2-cbor")
                        .withBody(CloudWatchCborBridge.cbor("{\"MetricAlarms\":[{\"AlarmName\":\"vending-ci-RunnersInServiceAlarm-9ZK3EXAMPLE\","
                                + "\"StateValue\":\"ALARM\",\"StateReason\":\"Threshold Crossed: 15 out of the last 15 datapoints were greater than"
                                + " the threshold (0.0).\",\"StateUpdatedTimestamp\":1795774800}],\"CompositeAlarms\":[]}"))));

        TestContext.Result r = command("status", "--name", "ci");

        assertEquals(0, r.code(), r.all());
        String out = r.out();
        assertTrue(out.contains("stack vending-ci: CREATE_COMPLETE"), out);
        assertTrue(out.contains("group vending-ci-RunnerGroup-7QX2: desired 2, in service 1 (min 0, max 3)"), out);
        assertTrue(out.matches("(?s).*i-0a1b2c3d4e5f60718\\s+Spot\\s+m7g.large.*"), out);
        assertTrue(out.contains("Outputs:"), out);
        assertTrue(out.matches("(?s).*RunnerTags\\s+computetype-spot,os-linux,arch-arm64,glexecutor-docker.*"), out);
        assertTrue(out.matches("(?s).*LogGroupName\\s+/vending/vending-ci.*"), out);
        assertTrue(out.contains("Recent failed launches:"), out);
        assertTrue(out.contains("Cancelled  Launching a new EC2 instance: i-0ffee0000000000a1."), out);
        assertTrue(out.contains("    log: group /vending/vending-ci, stream i-0ffee0000000000a1/bootstrap"), out);
        assertTrue(out.contains("Failed  Launching a new EC2 instance.  Status Reason: We currently do not have sufficient m7g.large capacity"), out);
        assertFalse(out.contains("Successful"), "only failed and cancelled activities: " + out);
        assertEquals(1, out.lines().filter(l -> l.contains("log: group")).count(), "a log stream only where an instance is named: " + out);
        assertTrue(out.contains("\nalarm vending-ci-RunnersInServiceAlarm-9ZK3EXAMPLE: ALARM since 2026-11-27T10:20:00Z (Threshold Crossed: 15 out of"
                + " the last 15 datapoints were greater than the threshold (0.0).)\n"), out);
        assertFalse(out.contains("scaling:"), "a fixed fleet has no scaling line: " + out);

        TestContext.Result json = command("status", "--name", "ci", "--output", "json");
        assertEquals(0, json.code(), json.all());
        assertTrue(json.out().contains("\"logStream\" : \"i-0ffee0000000000a1/bootstrap\""), json.out());
        assertTrue(json.out().contains("\"AutoScalingGroupName\" : \"vending-ci-RunnerGroup-7QX2\""), json.out());
        assertTrue(json.out().contains("\"inServiceAlarm\" : {\n    \"name\" : \"vending-ci-RunnersInServiceAlarm-9ZK3EXAMPLE\",\n    \"found\" : true,\n"
                + "    \"state\" : \"ALARM\","), json.out());
        assertEquals(List.of(), wm.findAllUnmatchedRequests().stream().map(q -> q.getBodyAsString()).toList());
    }

    @Test
    void ctrlCMessageSaysTheStackGoesOn() {
        try (Clients clients = new Clients(new AwsSettings("eu-central-1", null, wm.baseUrl(), false, true, null), ctx)) {
            StackWatch watch = new StackWatch(new CloudFormationApi(clients.cfn()), null, ctx, clients.region);
            String m = watch.interruptedMessage("vending-ci", StackWatch.Operation.UPDATE);
            assertTrue(m.contains("interrupted: the update of stack vending-ci goes on in CloudFormation (Ctrl-C does not stop it)."), m);
            assertTrue(m.contains("Follow it with: vending status --stack-name vending-ci --region eu-central-1"), m);
        }
    }
}
