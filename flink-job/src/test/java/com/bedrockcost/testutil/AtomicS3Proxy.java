package com.bedrockcost.testutil;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP proxy in front of S3Mock that makes conditional writes atomic, as AWS S3 makes them.
 * S3Mock 5.2.0 checks {@code If-None-Match}/{@code If-Match} and then writes, as two steps: two PUTs
 * of one key at the same moment can both pass the check (S3LakeLockTest saw it within a few races).
 * AWS S3 documents that of concurrent conditional writes of a key exactly one succeeds. Here every
 * request that changes an object (PUT, POST, DELETE) is forwarded one at a time; reads go through
 * at once. Signatures are not checked by S3Mock, so the changed Host does not matter.
 */
public final class AtomicS3Proxy implements AutoCloseable {
    /** Headers java.net.http sets itself. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive");

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String target;
    private final Object writes = new Object();

    public AtomicS3Proxy(String target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::forward);
        server.setExecutor(threads);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void forward(HttpExchange ex) throws IOException {
        try {
            String method = ex.getRequestMethod();
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target + ex.getRequestURI().toString()))
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                if (!RESTRICTED.contains(h.getKey().toLowerCase())) {
                    for (String v : h.getValue()) {
                        req.header(h.getKey(), v);
                    }
                }
            }
            HttpResponse<byte[]> r;
            try {
                if (method.equals("GET") || method.equals("HEAD")) {
                    r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                } else {
                    synchronized (writes) {
                        r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            r.headers().map().forEach((k, v) -> {
                if (!RESTRICTED.contains(k.toLowerCase()) || (method.equals("HEAD") && k.equalsIgnoreCase("content-length"))) {
                    ex.getResponseHeaders().put(k, v);
                }
            });
            boolean noBody = method.equals("HEAD") || r.body().length == 0;
            ex.sendResponseHeaders(r.statusCode(), noBody ? -1 : r.body().length);
            if (!noBody) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(r.body());
                }
            }
        } finally {
            ex.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
