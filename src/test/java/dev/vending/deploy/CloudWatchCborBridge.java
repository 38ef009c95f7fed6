package dev.vending.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonGenerator;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

/**
 * A loopback endpoint in front of moto for the Java SDK's CloudWatch client. The SDK (2.57) speaks CloudWatch's
 * Smithy RPC v2 CBOR protocol only, and moto 5.2.1 does not understand it (it answers 404), while it serves the
 * same operations over CloudWatch's awsJson1_0 protocol. Both protocols carry the same members (CBOR and JSON
 * share a data model), so this re-encodes CloudWatch calls CBOR -> JSON to moto and the answers JSON -> CBOR, and
 * passes every other request (CloudFormation, Auto Scaling, EC2 ...) through unchanged, so one --endpoint-url
 * serves a whole command. Timestamps: the SDK writes them as CBOR tag 1 with epoch seconds, which becomes a JSON
 * number (awsJson1_0's epoch-seconds format); moto's numbers go back untagged, which the SDK reads as epoch seconds.
 */
public final class CloudWatchCborBridge implements AutoCloseable {
    private static final String CBOR_PATH = "/service/GraniteServiceVersion20100801/operation/";
    /** Headers java.net.http sets itself or refuses. */
    private static final Set<String> HOP = Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding",
            "keep-alive", "te", "trailer", "proxy-connection");

    private static final JsonFactory JSON = new JsonFactory();
    private static final CBORFactory CBOR = new CBORFactory();

    private final String moto;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** CloudWatch operations seen, in order (what the command under test called). */
    public final List<String> cloudWatchCalls = new java.util.concurrent.CopyOnWriteArrayList<>();

    public CloudWatchCborBridge(String motoEndpoint) throws IOException {
        this.moto = motoEndpoint;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "cloudwatch-cbor-bridge");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getRawPath();
            boolean cbor = path.startsWith(CBOR_PATH);
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(moto + (cbor ? "/" : ex.getRequestURI().toString())));
            for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                String name = h.getKey().toLowerCase(Locale.ROOT);
                if (HOP.contains(name) || cbor && (name.equals("content-type") || name.equals("accept") || name.equals("smithy-protocol"))) {
                    continue;
                }
                h.getValue().forEach(v -> req.header(h.getKey(), v));
            }
            if (cbor) {
                String operation = path.substring(CBOR_PATH.length());
                cloudWatchCalls.add(operation);
                req.header("Content-Type", "application/x-amz-json-1.0").header("X-Amz-Target", "GraniteServiceVersion20100801." + operation);
                body = body.length == 0 ? "{}".getBytes() : recode(CBOR, body, JSON);
            }
            req.method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> res = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] answer = res.body();
            if (cbor) {
                answer = answer.length == 0 ? answer : recode(JSON, answer, CBOR);
                ex.getResponseHeaders().add("Content-Type", "application/cbor");
                ex.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
            } else {
                res.headers().map().forEach((k, v) -> {
                    if (!HOP.contains(k.toLowerCase(Locale.ROOT)) && !k.equals(":status")) {
                        v.forEach(value -> ex.getResponseHeaders().add(k, value));
                    }
                });
            }
            ex.sendResponseHeaders(res.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(answer);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A JSON document as CloudWatch's CBOR answer body (for recorded responses). */
    static byte[] cbor(String json) throws IOException {
        return recode(JSON, json.getBytes(java.nio.charset.StandardCharsets.UTF_8), CBOR);
    }

    /** The same document in another encoding, token by token (CBOR tags drop off: their values stay). */
    static byte[] recode(JsonFactory from, byte[] body, JsonFactory to) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new java.io.ByteArrayInputStream(body); JsonParser p = from.createParser(in); JsonGenerator g = to.createGenerator(out)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                g.copyCurrentEvent(p);
            }
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
