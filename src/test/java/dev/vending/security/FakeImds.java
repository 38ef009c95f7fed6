package dev.vending.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The instance metadata service as IMDSv2 answers it: a PUT to /latest/api/token gives a session
 * token that every GET must carry. Run as its own JVM ({@code java FakeImds ADDRESS PORT}) so it can
 * live in a network namespace; it stops when its standard input closes (the test ended or died).
 */
public final class FakeImds {
    static final String TOKEN = "fake-imds-session-token";
    static final String INSTANCE_ID = "i-0fa4e1mds00000000";

    private FakeImds() {
    }

    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])), 0);
        server.createContext("/", FakeImds::answer);
        server.start();
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for EOF
        }
        server.stop(0);
    }

    static void answer(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        int code = 404;
        String body = "";
        if (path.equals("/latest/api/token") && x.getRequestMethod().equals("PUT")
                && x.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds") != null) {
            code = 200;
            body = TOKEN;
        } else if (!TOKEN.equals(x.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
            code = 401;
        } else if (path.equals("/latest/meta-data/instance-id")) {
            code = 200;
            body = INSTANCE_ID;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }
}
