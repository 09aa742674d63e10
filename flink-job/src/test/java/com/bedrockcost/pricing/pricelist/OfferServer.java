package com.bedrockcost.pricing.pricelist;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on a free loopback port that serves offer files as the AWS Price List bulk
 * endpoint lays them out ({@code /offers/v1.0/aws/<code>/current/index.json}), and can fail, stall or
 * cut a response short on demand.
 */
public final class OfferServer implements AutoCloseable {
    public enum Mode { SERVE, FAIL, STALL, TRUNCATE }

    private final HttpServer server;
    private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    private volatile Mode mode = Mode.SERVE;

    public OfferServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "offer-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The bulk endpoint's base URL. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Serves the offer files of {@code folder} (*.json, offerCode read from each) as the current offers. */
    public void serve(Path... offerFiles) throws IOException {
        bodies.clear();
        for (Path f : offerFiles) {
            byte[] bytes = Files.readAllBytes(f);
            String code = new com.fasterxml.jackson.databind.ObjectMapper().readTree(bytes).path("offerCode").asText();
            bodies.put("/offers/v1.0/aws/" + code + "/current/index.json", bytes);
        }
    }

    public void mode(Mode m) {
        mode = m;
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = bodies.get(ex.getRequestURI().getPath());
        Mode m = mode;
        try (OutputStream out = ex.getResponseBody()) {
            if (body == null || m == Mode.FAIL) {
                ex.sendResponseHeaders(body == null ? 404 : 503, -1);
                return;
            }
            if (m == Mode.TRUNCATE) {
                // A whole HTTP response whose file is cut in the middle (as a broken upload or proxy serves it).
                ex.sendResponseHeaders(200, body.length / 2);
                out.write(body, 0, body.length / 2);
                return;
            }
            ex.sendResponseHeaders(200, body.length);
            if (m == Mode.SERVE) {
                out.write(body);
                return;
            }
            // STALL: half the announced bytes, then nothing.
            out.write(body, 0, body.length / 2);
            out.flush();
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } catch (IOException e) {
            // the client gave up (stall) or the body was cut on purpose
        } finally {
            ex.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
