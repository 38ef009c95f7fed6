package dev.vending.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * The token goes to exactly one request (SSM PutParameter) and nowhere else: no other request
 * body or header, no output line, no stack parameter. A WireMock proxy in front of moto records
 * every request of a create, a re-deploy and a destroy.
 */
@Tag("slow")
class TokenNeverLeaksTest {
    @RegisterExtension
    static MotoServer moto = new MotoServer();

    static final String TOKEN = "glrt-LeakCanary_9f8e7d6c5b4a";

    @Test
    void tokenOnlyInThePutParameterRequest() throws Exception {
        moto.reset();
        WireMockServer proxy = recordingProxy();
        try {
            TestContext ctx = new TestContext();
            ctx.env.put("GITLAB_RUNNER_TOKEN", TOKEN);
            String[] common = {"--region", "us-west-2", "--endpoint-url", proxy.baseUrl()};
            StringBuilder output = new StringBuilder();
            TestContext.Result create = ctx.run(concat(new String[] {"deploy", "--yes", "--name", "leak", "--verbose"}, common));
            assertEquals(0, create.code(), create.all());
            output.append(create.all());
            TestContext.Result json = ctx.run(concat(new String[] {"deploy", "--yes", "--name", "leak", "--runners", "2", "--output", "json"}, common));
            assertEquals(0, json.code(), json.all());
            output.append(json.all());
            TestContext.Result status = ctx.run(concat(new String[] {"status", "--stack-name", "vending-leak", "--output", "json"}, common));
            output.append(status.all());
            assertEquals(0, status.code(), status.all());
            List<LoggedRequest> before = proxy.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(anyUrl()));
            TestContext.Result destroy = ctx.run(concat(new String[] {"destroy", "--stack-name", "vending-leak", "--yes"}, common));
            assertEquals(0, destroy.code(), destroy.all());
            output.append(destroy.all());

            assertFalse(output.toString().contains(TOKEN), "token in command output");
            List<LoggedRequest> all = proxy.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(anyUrl()));
            assertTrue(all.size() > before.size() && all.size() > 10, "requests recorded: " + all.size());
            List<LoggedRequest> carrying = carryingToken(all);
            // both deploys were given the token, so both store it (Overwrite); nothing else carries it
            assertEquals(List.of("AmazonSSM.PutParameter", "AmazonSSM.PutParameter"),
                    carrying.stream().map(r -> r.getHeader("X-Amz-Target")).toList());
            carrying.forEach(r -> assertTrue(r.getBodyAsString().contains("\"Type\":\"SecureString\""), r.getBodyAsString()));
            // every response (DescribeStacks parameters included) is token-free as well
            assertTrue(proxy.getAllServeEvents().stream().noneMatch(e -> e.getResponse().getBodyAsString().contains(TOKEN)),
                    "a response carried the token");
        } finally {
            proxy.stop();
        }
    }

    /** A stack set in two regions: one PutParameter per region carries the token, nothing else (requests or responses). */
    @Test
    void stackSetTokenOnlyInOnePutParameterPerRegion() throws Exception {
        moto.reset();
        StackSetMotoTest.createStackSetRoles(moto.endpoint());
        WireMockServer proxy = recordingProxy();
        try {
            TestContext ctx = new TestContext();
            ctx.env.put("GITLAB_RUNNER_TOKEN", TOKEN);
            String[] common = {"--region", "eu-west-1", "--endpoint-url", proxy.baseUrl()};
            StringBuilder output = new StringBuilder();
            for (String[] command : new String[][] {
                    {"deploy", "--yes", "--name", "leakset", "--regions", "us-east-1,eu-west-1", "--cache", "none", "--verbose"},
                    {"status", "--stack-set", "--stack-name", "vending-leakset", "--output", "json"},
                    {"destroy", "--stack-set", "--stack-name", "vending-leakset", "--yes"}}) {
                TestContext.Result r = ctx.run(concat(command, common));
                assertEquals(0, r.code(), r.all());
                output.append(r.all());
            }
            assertFalse(output.toString().contains(TOKEN), "token in command output");
            List<LoggedRequest> all = proxy.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(anyUrl()));
            List<LoggedRequest> carrying = carryingToken(all);
            assertEquals(List.of("AmazonSSM.PutParameter", "AmazonSSM.PutParameter"),
                    carrying.stream().map(r -> r.getHeader("X-Amz-Target")).toList());
            assertTrue(proxy.getAllServeEvents().stream().noneMatch(e -> e.getResponse().getBodyAsString().contains(TOKEN)),
                    "a response carried the token");
        } finally {
            proxy.stop();
        }
    }

    /** A WireMock proxy in front of moto that records every request. */
    static WireMockServer recordingProxy() {
        WireMockServer proxy = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        proxy.start();
        proxy.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(moto.endpoint())));
        return proxy;
    }

    /** The requests with the token in their body, URL or a header. */
    static List<LoggedRequest> carryingToken(List<LoggedRequest> all) {
        return all.stream().filter(r -> r.getBodyAsString().contains(TOKEN) || r.getUrl().contains(TOKEN) || r.getAllHeaderKeys().stream()
                .anyMatch(h -> String.valueOf(r.getHeaders().getHeader(h).values()).contains(TOKEN))).toList();
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
