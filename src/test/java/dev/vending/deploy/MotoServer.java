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
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A moto server for one test class: {@code moto_server} from PATH on a free loopback port, else
 * the motoserver/moto container when Docker answers, else the class is skipped (failed when CI=true).
 * Use with {@code @RegisterExtension static MotoServer moto = new MotoServer();}.
 */
public final class MotoServer implements BeforeAllCallback, AfterAllCallback {
    static final String IMAGE = "motoserver/moto:5.2.1";

    private Process process;
    private GenericContainer<?> container;
    private String endpoint;

    public String endpoint() {
        return endpoint;
    }

    /** Clears all state (stacks, VPCs are re-created per region on first use). */
    public void reset() throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/moto-api/reset").toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.getOutputStream().close();
        if (c.getResponseCode() != 200) {
            throw new IOException("moto reset answered " + c.getResponseCode());
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path exe = onPath("moto_server");
        if (exe != null) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            process = new ProcessBuilder(exe.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true)
                    .redirectOutput(File.createTempFile("moto-", ".log"))
                    .start();
            endpoint = "http://127.0.0.1:" + port;
            awaitReady(Duration.ofSeconds(30));
            return;
        }
        if (DockerClientFactory.instance().isDockerAvailable()) {
            container = new GenericContainer<>(IMAGE).withExposedPorts(5000)
                    .waitingFor(Wait.forHttp("/moto-api/").forStatusCode(200));
            container.start();
            endpoint = "http://" + container.getHost() + ":" + container.getMappedPort(5000);
            return;
        }
        String why = "moto_server is not on PATH and Docker is not available";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(why + " (CI=true: deploy tests must run; install moto[server])");
        }
        Assumptions.abort(why + "; deploy tests against moto skipped (pip install 'moto[server]' to run them)");
    }

    private void awaitReady(Duration limit) throws Exception {
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
        throw new IllegalStateException("moto_server not ready after " + limit.getSeconds() + "s at " + endpoint);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
        if (container != null) {
            container.stop();
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
