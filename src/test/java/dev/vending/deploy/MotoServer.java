package dev.vending.deploy;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The moto server of a test run: {@code moto_server} from PATH on a free loopback port, else the
 * motoserver/moto container when Docker answers, else the test class is skipped (failed when
 * CI=true). Started once per JVM by the first class that needs it, reset (POST /moto-api/reset)
 * before every test, stopped by a shutdown hook. Starting moto takes seconds; one per class added up.
 * Use with {@code @RegisterExtension static MotoServer moto = new MotoServer();}.
 */
public final class MotoServer implements BeforeAllCallback, BeforeEachCallback {
    static final String IMAGE = "motoserver/moto:5.2.1";

    /** The one running server, or why there is none. */
    private record Running(String endpoint, String unavailable) {
    }

    private static Running shared;

    public String endpoint() {
        if (shared == null || shared.endpoint == null) {
            throw new IllegalStateException("moto is not running (used outside a test class that registers MotoServer?)");
        }
        return shared.endpoint;
    }

    /** Clears all state (stacks, VPCs are re-created per region on first use). */
    public void reset() throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/moto-api/reset").toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.getOutputStream().close();
        if (c.getResponseCode() != 200) {
            throw new IOException("moto reset answered " + c.getResponseCode());
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Running r = running();
        if (r.unavailable != null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(r.unavailable + " (CI=true: deploy tests must run; install moto[server])");
            }
            Assumptions.abort(r.unavailable + "; deploy tests against moto skipped (pip install 'moto[server]' to run them)");
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        reset();
    }

    private static synchronized Running running() throws Exception {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    private static Running start() throws Exception {
        Path exe = onPath("moto_server");
        if (exe != null) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Process process = new ProcessBuilder(exe.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true)
                    .redirectOutput(File.createTempFile("moto-", ".log"))
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "moto-stop"));
            String endpoint = "http://127.0.0.1:" + port;
            awaitReady(process, endpoint, Duration.ofSeconds(30));
            return new Running(endpoint, null);
        }
        if (DockerClientFactory.instance().isDockerAvailable()) {
            GenericContainer<?> container = new GenericContainer<>(IMAGE).withExposedPorts(5000)
                    .waitingFor(Wait.forHttp("/moto-api/").forStatusCode(200));
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "moto-stop"));
            return new Running("http://" + container.getHost() + ":" + container.getMappedPort(5000), null);
        }
        return new Running(null, "moto_server is not on PATH and Docker is not available");
    }

    private static void awaitReady(Process process, String endpoint, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited with " + process.exitValue());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/moto-api/").toURL().openConnection();
                c.setConnectTimeout(500);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        stop(process);
        throw new IllegalStateException("moto_server not ready after " + limit.getSeconds() + "s at " + endpoint);
    }

    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
