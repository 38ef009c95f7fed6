package dev.vending.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback GitLab that implements the part of the runner API gitlab-runner uses, as the runner's
 * own client calls it (gitlab-runner module v1.11.1-0.20260903214710-fc1f1862bd91, the version
 * src/test/tools/gitlab-runner.sh pins: network/gitlab.go, network/client.go, common/network.go,
 * common/spec/spec.go), and keeps score: every call is recorded, queued jobs are handed out, and
 * each job's state moves as GitLab's would (pending, running, then success or failed with the
 * failure reason the runner sent). Requests and answers:
 * <ul>
 * <li>{@code POST /api/v4/runners/verify} {@code {token, system_id, info}}: 200 {@code {id, token,
 * token_expires_at}} for a known runner token (a {@code glrt-} token, or one handed out by a
 * registration), which records a runner manager (token + system id); 403 otherwise
 * ({@code VerifyRunner}).</li>
 * <li>{@code POST /api/v4/runners} {@code {token, description, tag_list, run_untagged, locked, ...,
 * info}}: legacy registration with a registration token, 201 {@code {id, token}}; 403 for an
 * unknown registration token ({@code RegisterRunner}).</li>
 * <li>{@code POST /api/v4/jobs/request} {@code {token, system_id, info, last_update}}: 201 and a
 * job payload shaped as {@code spec.Job} when a job is queued, 204 when none, 403 for an unknown
 * token ({@code RequestJob}).</li>
 * <li>{@code PUT /api/v4/jobs/:id} (header {@code JOB-TOKEN}, body {@code {token, state,
 * failure_reason, output{checksum,bytesize}, exit_code, info}}): 200 with header {@code Job-Status};
 * 403 once the job is no longer running, as GitLab answers ({@code UpdateJob}).</li>
 * <li>{@code PATCH /api/v4/jobs/:id/trace?debug_trace=false} (headers {@code JOB-TOKEN},
 * {@code Content-Range: start-end} inclusive): 202 with {@code Range: 0-length}; 416 with the
 * current range when the start is not the current length ({@code PatchTrace}).</li>
 * <li>{@code DELETE /api/v4/runners/managers} {@code {token, system_id}}: 204 and that one
 * manager is gone, 404 for an unknown system id ({@code UnregisterRunnerManager}, what
 * {@code unregister} calls for {@code glrt-} tokens).</li>
 * <li>{@code DELETE /api/v4/runners} {@code {token}}: 204, the runner is gone
 * ({@code UnregisterRunner}, for legacy runner tokens).</li>
 * </ul>
 * Answers are {@code application/json} where the runner decodes a body (doJSON refuses others).
 */
public final class FakeGitLab implements AutoCloseable {
    /** A job state as GitLab keeps it (common/network.go: pending, running, failed, success). */
    public enum State {
        PENDING, RUNNING, SUCCESS, FAILED;

        public String wire() {
            return name().toLowerCase();
        }
    }

    /** One request as it arrived. */
    public record Call(String method, String path, String query, Map<String, String> headers, JsonNode body, String text,
            int status) {
        public String field(String name) {
            JsonNode v = body == null ? null : body.get(name);
            return v == null || v.isNull() ? null : v.asText();
        }

        @Override
        public String toString() {
            return method + " " + path + " -> " + status;
        }
    }

    /** A job a test queued, and what GitLab knows about it. */
    public static final class Job {
        public final long id;
        public final String token;
        public final String name;
        public final List<String> script;
        private volatile State state = State.PENDING;
        private volatile String failureReason;
        private volatile Integer exitCode;
        private volatile String runnerToken;
        private volatile String systemId;
        private final StringBuilder trace = new StringBuilder();

        Job(long id, String name, List<String> script) {
            this.id = id;
            this.token = "glcbt-job-" + id;
            this.name = name;
            this.script = List.copyOf(script);
        }

        public State state() {
            return state;
        }

        public String failureReason() {
            return failureReason;
        }

        public Integer exitCode() {
            return exitCode;
        }

        /** The system id of the runner manager that picked the job up. */
        public String systemId() {
            return systemId;
        }

        public String runnerToken() {
            return runnerToken;
        }

        public synchronized String trace() {
            return trace.toString();
        }
    }

    /** A runner as GitLab records it: one per legacy registration, or one per glrt- token. */
    public record Runner(long id, String token, String description, String tags, boolean runUntagged, boolean locked) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern JOB = Pattern.compile("/api/v4/jobs/(\\d+)");
    private static final Pattern TRACE = Pattern.compile("/api/v4/jobs/(\\d+)/trace");
    private static final Pattern RANGE = Pattern.compile("(\\d+)-(\\d+)");

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Job> queue = new ConcurrentLinkedQueue<>();
    private final Map<Long, Job> jobs = new LinkedHashMap<>();
    private final Map<String, Runner> runners = new LinkedHashMap<>();
    private final Map<String, String> registrationTokens = new LinkedHashMap<>();
    /** token -> system ids of its live runner managers, in the order GitLab first saw them. */
    private final Map<String, List<String>> managers = new LinkedHashMap<>();
    private final List<Consumer<Call>> listeners = new CopyOnWriteArrayList<>();
    private volatile List<String> failureReasons = List.of("unknown_failure", "script_failure", "api_failure",
            "stuck_or_timeout_failure", "runner_system_failure", "job_execution_timeout");
    private long nextId = 1;

    private FakeGitLab() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts on a free loopback port; {@link #close()} stops it. */
    public static FakeGitLab start() throws IOException {
        return new FakeGitLab();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** The instance URL, as {@code gitlab-runner register --url} takes it. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A runner created in the UI: its {@code glrt-} authentication token. */
    public synchronized Runner createRunner(String glrtToken) {
        if (!glrtToken.startsWith("glrt-")) {
            throw new IllegalArgumentException("runner authentication tokens start with glrt-");
        }
        Runner r = new Runner(nextId++, glrtToken, "", "", false, false);
        runners.put(glrtToken, r);
        return r;
    }

    /** A project/group/instance registration token (the deprecated workflow). */
    public synchronized void allowRegistrationToken(String token) {
        registrationTokens.put(token, token);
    }

    /**
     * The failure reasons this GitLab advertises in each job's {@code features.failure_reasons};
     * the runner maps any other reason it has to one of these (common/failure_reason_mapper.go).
     */
    public void advertiseFailureReasons(List<String> reasons) {
        failureReasons = List.copyOf(reasons);
    }

    public List<String> advertisedFailureReasons() {
        return failureReasons;
    }

    /** Queues a pending job whose script runs in the runner's shell. */
    public synchronized Job queueJob(String name, String... script) {
        Job j = new Job(nextId++, name, List.of(script));
        jobs.put(j.id, j);
        queue.add(j);
        return j;
    }

    public synchronized Job job(long id) {
        return jobs.get(id);
    }

    /** Every call so far, in arrival order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Told of each call once it is handled, before its response is sent (so a client's next step comes after). */
    public void onCall(Consumer<Call> listener) {
        listeners.add(listener);
    }

    public synchronized List<Runner> runners() {
        return List.copyOf(runners.values());
    }

    /** The system ids of the live runner managers of a runner token. */
    public synchronized List<String> managers(String token) {
        return List.copyOf(managers.getOrDefault(token, List.of()));
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String text = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode body = null;
            String type = Objects.toString(x.getRequestHeaders().getFirst("Content-Type"), "");
            if (type.startsWith("application/json") && !text.isEmpty()) {
                body = JSON.readTree(text);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h : List.of("RUNNER-TOKEN", "JOB-TOKEN", "Content-Range", "Content-Type", "Accept")) {
                String v = x.getRequestHeaders().getFirst(h);
                if (v != null) {
                    headers.put(h, v);
                }
            }
            String method = x.getRequestMethod();
            String path = x.getRequestURI().getPath();
            Answer a;
            synchronized (this) {
                a = route(method, path, headers, body, text);
            }
            Call call = new Call(method, path, x.getRequestURI().getRawQuery(), headers, body, text, a.status);
            calls.add(call);
            for (Consumer<Call> l : listeners) {
                l.accept(call);
            }
            a.headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
            byte[] bytes = a.body == null ? new byte[0] : a.body.getBytes(StandardCharsets.UTF_8);
            if (a.body != null) {
                x.getResponseHeaders().set("Content-Type", "application/json");
            }
            x.sendResponseHeaders(a.status, bytes.length == 0 ? -1 : bytes.length);
            x.getResponseBody().write(bytes);
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private record Answer(int status, String body, Map<String, String> headers) {
        static Answer of(int status) {
            return new Answer(status, null, Map.of());
        }

        static Answer json(int status, Object body) {
            return new Answer(status, JSON.valueToTree(body).toString(), Map.of());
        }
    }

    private Answer route(String method, String path, Map<String, String> headers, JsonNode body, String text) {
        Matcher trace = TRACE.matcher(path);
        Matcher job = JOB.matcher(path);
        return switch (method + " " + path) {
            case "POST /api/v4/runners/verify" -> verify(body);
            case "POST /api/v4/runners" -> register(body);
            case "POST /api/v4/jobs/request" -> request(body);
            case "DELETE /api/v4/runners/managers" -> deleteManager(body);
            case "DELETE /api/v4/runners" -> deleteRunner(body);
            default -> {
                if (method.equals("PATCH") && trace.matches()) {
                    yield patchTrace(jobs.get(Long.parseLong(trace.group(1))), headers, text);
                } else if (method.equals("PUT") && job.matches()) {
                    yield update(jobs.get(Long.parseLong(job.group(1))), headers, body);
                }
                yield Answer.json(404, Map.of("message", "404 Not Found"));
            }
        };
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body == null ? null : body.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private Answer verify(JsonNode body) {
        String token = text(body, "token");
        Runner r = token == null ? null : runners.get(token);
        if (r == null) {
            return Answer.json(403, Map.of("message", "403 Forbidden"));
        }
        String systemId = text(body, "system_id");
        if (systemId != null && !systemId.isEmpty()) {
            seeManager(token, systemId);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("token", r.token());
        out.put("token_expires_at", null);
        return Answer.json(200, out);
    }

    private void seeManager(String token, String systemId) {
        List<String> ids = managers.computeIfAbsent(token, t -> new ArrayList<>());
        if (!ids.contains(systemId)) {
            ids.add(systemId);
        }
    }

    private Answer register(JsonNode body) {
        String token = text(body, "token");
        if (token == null || !registrationTokens.containsKey(token)) {
            return Answer.json(403, Map.of("message", "403 Forbidden"));
        }
        long id = nextId++;
        // legacy runner tokens are not glrt- tokens: the runner then unregisters the whole runner
        Runner r = new Runner(id, "legacy-runner-token-" + id, text(body, "description"),
                Objects.toString(text(body, "tag_list"), ""), body.path("run_untagged").asBoolean(false),
                body.path("locked").asBoolean(true));
        runners.put(r.token(), r);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("token", r.token());
        out.put("token_expires_at", null);
        return Answer.json(201, out);
    }

    private Answer request(JsonNode body) {
        String token = text(body, "token");
        if (token == null || !runners.containsKey(token)) {
            return Answer.json(403, Map.of("message", "403 Forbidden"));
        }
        String systemId = text(body, "system_id");
        if (systemId != null && !systemId.isEmpty()) {
            seeManager(token, systemId);
        }
        Job j = queue.poll();
        if (j == null) {
            return Answer.of(204);
        }
        j.state = State.RUNNING;
        j.runnerToken = token;
        j.systemId = systemId;
        return new Answer(201, payload(j).toString(), Map.of());
    }

    /** The job as GitLab sends it: the fields of the runner's spec.Job a shell job needs. */
    private ObjectNode payload(Job j) {
        ObjectNode p = JSON.createObjectNode();
        p.put("id", j.id);
        p.put("token", j.token);
        p.put("allow_git_fetch", false);
        ObjectNode info = p.putObject("job_info");
        info.put("name", j.name);
        info.put("stage", "test");
        info.put("project_id", 1);
        info.put("project_name", "fleet-test");
        info.put("project_full_path", "vending/fleet-test");
        ObjectNode git = p.putObject("git_info");
        git.put("repo_url", url() + "/vending/fleet-test.git");
        git.put("ref", "main");
        git.put("sha", "0000000000000000000000000000000000000001");
        git.put("before_sha", "0000000000000000000000000000000000000000");
        git.put("ref_type", "branch");
        git.putArray("refspecs").add("+refs/heads/main:refs/remotes/origin/main");
        git.put("depth", 1);
        p.putObject("runner_info").put("timeout", 3600);
        ArrayNode vars = p.putArray("variables");
        for (String[] kv : new String[][] {{"CI_JOB_ID", Long.toString(j.id)}, {"CI_JOB_NAME", j.name},
                {"CI_SERVER_URL", url()}, {"CI_PROJECT_ID", "1"}, {"GIT_STRATEGY", "none"}}) {
            ObjectNode v = vars.addObject();
            v.put("key", kv[0]);
            v.put("value", kv[1]);
            v.put("public", true);
            v.put("masked", false);
        }
        ObjectNode step = p.putArray("steps").addObject();
        step.put("name", "script");
        ArrayNode script = step.putArray("script");
        j.script.forEach(script::add);
        step.put("timeout", 3600);
        step.put("when", "on_success");
        step.put("allow_failure", false);
        p.putObject("image");
        p.putArray("services");
        p.putArray("artifacts");
        p.putArray("cache");
        p.putArray("credentials");
        p.putArray("dependencies");
        ObjectNode features = p.putObject("features");
        features.put("trace_sections", true);
        ArrayNode reasons = features.putArray("failure_reasons");
        failureReasons.forEach(reasons::add);
        return p;
    }

    private static Map<String, String> jobStatus(Job j) {
        return Map.of("Job-Status", j.state.wire());
    }

    private static boolean jobTokenOk(Job j, Map<String, String> headers, JsonNode body) {
        String t = headers.getOrDefault("JOB-TOKEN", text(body, "token"));
        return j.token.equals(t);
    }

    private Answer update(Job j, Map<String, String> headers, JsonNode body) {
        if (j == null) {
            return Answer.json(404, Map.of("message", "404 Not Found"));
        }
        if (!jobTokenOk(j, headers, body)) {
            return Answer.json(401, Map.of("message", "401 Unauthorized"));
        }
        if (j.state != State.RUNNING) {
            // GitLab refuses updates to a job that is no longer running, naming its state
            return new Answer(403, JSON.valueToTree(Map.of("message", "403 Forbidden - Job is not running")).toString(),
                    jobStatus(j));
        }
        String state = text(body, "state");
        if ("success".equals(state)) {
            j.state = State.SUCCESS;
        } else if ("failed".equals(state)) {
            j.state = State.FAILED;
            // an empty reason is what GitLab records as unknown_failure
            String reason = text(body, "failure_reason");
            j.failureReason = reason == null || reason.isEmpty() ? "unknown_failure" : reason;
            if (body.hasNonNull("exit_code")) {
                j.exitCode = body.get("exit_code").asInt();
            }
        } else if (!"running".equals(state) && state != null) {
            return Answer.json(400, Map.of("message", "400 Bad request - state does not have a valid value"));
        }
        return new Answer(200, null, jobStatus(j));
    }

    private Answer patchTrace(Job j, Map<String, String> headers, String text) {
        if (j == null) {
            return Answer.of(404);
        }
        if (!jobTokenOk(j, headers, null)) {
            return Answer.of(401);
        }
        if (j.state != State.RUNNING) {
            return new Answer(403, null, jobStatus(j));
        }
        synchronized (j) {
            int length = j.trace.length();
            Matcher m = RANGE.matcher(headers.getOrDefault("Content-Range", ""));
            if (!m.matches() || Integer.parseInt(m.group(1)) != length) {
                return new Answer(416, null, Map.of("Range", "0-" + length, "Job-Status", j.state.wire()));
            }
            j.trace.append(text);
            return new Answer(202, null, Map.of("Range", "0-" + j.trace.length(), "Job-Status", j.state.wire()));
        }
    }

    private Answer deleteManager(JsonNode body) {
        String token = text(body, "token");
        if (token == null || !runners.containsKey(token)) {
            return Answer.json(403, Map.of("message", "403 Forbidden"));
        }
        List<String> ids = managers.getOrDefault(token, new ArrayList<>());
        if (!ids.remove(text(body, "system_id"))) {
            return Answer.json(404, Map.of("message", "404 Runner Manager Not Found"));
        }
        return Answer.of(204);
    }

    private Answer deleteRunner(JsonNode body) {
        String token = text(body, "token");
        if (token == null || runners.remove(token) == null) {
            return Answer.json(403, Map.of("message", "403 Forbidden"));
        }
        managers.remove(token);
        return Answer.of(204);
    }
}
