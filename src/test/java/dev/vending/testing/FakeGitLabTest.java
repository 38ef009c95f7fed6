package dev.vending.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vending.testing.FakeGitLab.State;

/**
 * The fake GitLab answered with requests shaped exactly as gitlab-runner sends them (module
 * v1.11.1-0.20260903214710-fc1f1862bd91): JSON bodies of common/network.go's request structs,
 * {@code RUNNER-TOKEN} / {@code JOB-TOKEN} headers (common/consts.go), {@code Accept:
 * application/json} when a body is expected, and paths under {@code <url>/api/v4/}
 * (network/client.go).
 */
class FakeGitLabTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INFO = "{\"name\":\"gitlab-runner\",\"version\":\"19.4.0\",\"revision\":\"fc1f1862\","
            + "\"platform\":\"linux\",\"architecture\":\"arm64\",\"executor\":\"shell\",\"shell\":\"bash\"}";
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeGitLab gitlab;

    @BeforeEach
    void start() throws IOException {
        gitlab = FakeGitLab.start();
    }

    @AfterEach
    void stop() {
        gitlab.close();
    }

    private HttpResponse<String> send(String method, String path, Map<String, String> headers, String contentType,
            String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gitlab.url() + "/api/v4/" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** doJSON: JSON body, Accept when an answer is decoded, the runner token header. */
    private HttpResponse<String> json(String method, String path, String token, String body)
            throws IOException, InterruptedException {
        return send(method, path, Map.of("RUNNER-TOKEN", token, "Accept", "application/json"), "application/json", body);
    }

    private HttpResponse<String> requestJob(String token, String systemId) throws IOException, InterruptedException {
        // JobRequest{info, token, system_id, last_update}
        return json("POST", "jobs/request", token,
                "{\"info\":" + INFO + ",\"token\":\"" + token + "\",\"system_id\":\"" + systemId + "\"}");
    }

    private HttpResponse<String> updateJob(long id, String jobToken, String state, String reason)
            throws IOException, InterruptedException {
        // UpdateJobRequest{info, token, state, failure_reason, output{checksum, bytesize}, exit_code}; response nil
        String body = "{\"info\":" + INFO + ",\"token\":\"" + jobToken + "\",\"state\":\"" + state + "\""
                + (reason == null ? "" : ",\"failure_reason\":\"" + reason + "\"")
                + ",\"output\":{\"checksum\":\"crc32:1\",\"bytesize\":3}}";
        return send("PUT", "jobs/" + id, Map.of("JOB-TOKEN", jobToken), "application/json", body);
    }

    private HttpResponse<String> patchTrace(long id, String jobToken, int start, String content)
            throws IOException, InterruptedException {
        // PatchTrace: text/plain body, Content-Range start-(end-1), ?debug_trace=false
        return send("PATCH", "jobs/" + id + "/trace?debug_trace=false",
                Map.of("JOB-TOKEN", jobToken, "Content-Range", start + "-" + (start + content.length() - 1)), "text/plain",
                content);
    }

    @Test
    void verifyAcceptsAKnownGlrtTokenAndRecordsTheManagerByItsSystemId() throws Exception {
        gitlab.createRunner("glrt-fleet");
        HttpResponse<String> ok = json("POST", "runners/verify", "glrt-fleet",
                "{\"info\":" + INFO + ",\"token\":\"glrt-fleet\",\"system_id\":\"s_0123456789ab\"}");
        assertEquals(200, ok.statusCode());
        assertEquals("application/json", ok.headers().firstValue("Content-Type").orElse(""));
        assertEquals("glrt-fleet", JSON.readTree(ok.body()).get("token").asText());
        assertEquals(List.of("s_0123456789ab"), gitlab.managers("glrt-fleet"));

        assertEquals(403, json("POST", "runners/verify", "glrt-other", "{\"token\":\"glrt-other\",\"system_id\":\"s_1\"}")
                .statusCode());
        FakeGitLab.Call first = gitlab.calls().get(0);
        assertEquals("glrt-fleet", first.headers().get("RUNNER-TOKEN"));
        assertEquals("s_0123456789ab", first.field("system_id"));
    }

    @Test
    void legacyRegistrationKeepsTagsLockedAndRunUntaggedAndHandsOutARunnerToken() throws Exception {
        gitlab.allowRegistrationToken("GR1348941reg");
        // RegisterRunnerRequest: RegisterRunnerParameters inlined, info, token
        HttpResponse<String> r = json("POST", "runners", "GR1348941reg",
                "{\"description\":\"i-0abc-in-1-at-eu-west-1\",\"tag_list\":\"computetype-spot,os-linux\","
                        + "\"run_untagged\":false,\"locked\":false,\"paused\":false,\"info\":" + INFO
                        + ",\"token\":\"GR1348941reg\"}");
        assertEquals(201, r.statusCode());
        JsonNode out = JSON.readTree(r.body());
        FakeGitLab.Runner runner = gitlab.runners().get(0);
        assertEquals(out.get("token").asText(), runner.token());
        assertEquals(new FakeGitLab.Runner(runner.id(), runner.token(), "i-0abc-in-1-at-eu-west-1",
                "computetype-spot,os-linux", false, false), runner);
        assertEquals(403, json("POST", "runners", "wrong", "{\"token\":\"wrong\"}").statusCode());

        // a legacy runner unregisters as a whole: DELETE /runners {token} -> 204
        assertEquals(204, json("DELETE", "runners", runner.token(), "{\"token\":\"" + runner.token() + "\"}").statusCode());
        assertEquals(List.of(), gitlab.runners());
    }

    @Test
    void aJobIsHandedOutOnceRunsTakesItsTraceAndEndsAsSuccess() throws Exception {
        gitlab.createRunner("glrt-fleet");
        assertEquals(204, requestJob("glrt-fleet", "s_1").statusCode(), "nothing queued");
        FakeGitLab.Job job = gitlab.queueJob("build", "echo hello");
        assertEquals(State.PENDING, job.state());

        HttpResponse<String> got = requestJob("glrt-fleet", "s_1");
        assertEquals(201, got.statusCode());
        JsonNode payload = JSON.readTree(got.body());
        assertEquals(job.id, payload.get("id").asLong());
        assertEquals(job.token, payload.get("token").asText());
        assertEquals("echo hello", payload.at("/steps/0/script/0").asText());
        assertEquals("script", payload.at("/steps/0/name").asText());
        assertTrue(payload.at("/features/failure_reasons").isArray());
        assertEquals(State.RUNNING, job.state());
        assertEquals("s_1", job.systemId());
        assertEquals(204, requestJob("glrt-fleet", "s_1").statusCode(), "handed out once");

        HttpResponse<String> p1 = patchTrace(job.id, job.token, 0, "hello\n");
        assertEquals(202, p1.statusCode());
        assertEquals("0-6", p1.headers().firstValue("Range").orElse(""));
        assertEquals("running", p1.headers().firstValue("Job-Status").orElse(""));
        HttpResponse<String> gap = patchTrace(job.id, job.token, 10, "x");
        assertEquals(416, gap.statusCode(), "a range that does not continue the trace");
        assertEquals("0-6", gap.headers().firstValue("Range").orElse(""));
        assertEquals(202, patchTrace(job.id, job.token, 6, "done\n").statusCode());
        assertEquals("hello\ndone\n", job.trace());

        assertEquals(200, updateJob(job.id, job.token, "running", null).statusCode(), "a keep-alive update");
        assertEquals(401, updateJob(job.id, "glcbt-wrong", "success", null).statusCode());
        HttpResponse<String> done = updateJob(job.id, job.token, "success", null);
        assertEquals(200, done.statusCode());
        assertEquals("success", done.headers().firstValue("Job-Status").orElse(""));
        assertEquals(State.SUCCESS, job.state());
        assertNull(job.failureReason());

        HttpResponse<String> late = updateJob(job.id, job.token, "failed", "runner_system_failure");
        assertEquals(403, late.statusCode(), "a finished job takes no more updates");
        assertEquals("success", late.headers().firstValue("Job-Status").orElse(""));
        assertEquals(State.SUCCESS, job.state());
    }

    @Test
    void aFailedUpdateKeepsTheReasonTheRunnerSent() throws Exception {
        gitlab.createRunner("glrt-fleet");
        FakeGitLab.Job job = gitlab.queueJob("long", "sleep 600");
        requestJob("glrt-fleet", "s_1");
        assertEquals(200, updateJob(job.id, job.token, "failed", "unknown_failure").statusCode());
        assertEquals(State.FAILED, job.state());
        assertEquals("unknown_failure", job.failureReason());
        assertEquals(403, patchTrace(job.id, job.token, 0, "late").statusCode());
    }

    @Test
    void deletingAManagerRemovesOnlyThatMachine() throws Exception {
        gitlab.createRunner("glrt-fleet");
        requestJob("glrt-fleet", "s_machine1");
        requestJob("glrt-fleet", "s_machine2");
        assertEquals(List.of("s_machine1", "s_machine2"), gitlab.managers("glrt-fleet"));
        // UnregisterRunnerManagerRequest{token, system_id}, expected 204
        assertEquals(204, json("DELETE", "runners/managers", "glrt-fleet",
                "{\"token\":\"glrt-fleet\",\"system_id\":\"s_machine1\"}").statusCode());
        assertEquals(List.of("s_machine2"), gitlab.managers("glrt-fleet"));
        assertEquals(404, json("DELETE", "runners/managers", "glrt-fleet",
                "{\"token\":\"glrt-fleet\",\"system_id\":\"s_machine1\"}").statusCode());
        assertEquals(1, gitlab.runners().size(), "the runner itself stays");
    }
}
