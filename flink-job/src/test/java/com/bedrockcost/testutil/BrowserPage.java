package com.bedrockcost.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One page in a real headless Chromium, driven over the DevTools protocol (a WebSocket, with the
 * JDK's own client): load a file at a window size, run script in it as a user's clicks and typing
 * would, read the DOM, collect console errors and uncaught exceptions, take screenshots.
 */
public final class BrowserPage implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

    private BrowserPage(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Starts Chromium ({@link Chromium#binary}) with a page of {@code width} x {@code height} CSS pixels. */
    public static BrowserPage open(Path binary, Path profile, int width, int height) throws Exception {
        List<String> cmd = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "--remote-allow-origins=*", "--window-size=" + width + "," + height, "about:blank");
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String browserUrl = null;
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (browserUrl == null && System.nanoTime() < deadline && (line = err.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                browserUrl = m.group(1);
            }
        }
        if (browserUrl == null) {
            p.destroyForcibly();
            throw new AssertionError("Chromium did not open its DevTools port: " + cmd + "\n" + seen);
        }
        // Keep reading stderr so that Chromium never blocks on a full pipe.
        Thread drain = new Thread(() -> {
            try {
                while (err.readLine() != null) {
                    // discarded
                }
            } catch (IOException e) {
                // the browser is gone
            }
        }, "chromium-stderr");
        drain.setDaemon(true);
        drain.start();

        URI ws = URI.create(browserUrl);
        HttpClient http = HttpClient.newHttpClient();
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://" + ws.getHost() + ":" + ws.getPort() + "/json/list"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body());
        String pageUrl = null;
        for (JsonNode t : targets) {
            if (t.path("type").asText().equals("page")) {
                pageUrl = t.path("webSocketDebuggerUrl").asText();
            }
        }
        if (pageUrl == null) {
            p.destroyForcibly();
            throw new AssertionError("Chromium has no page to drive: " + targets);
        }
        BrowserPage[] self = new BrowserPage[1];
        Listener listener = new Listener(self);
        WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30)).buildAsync(URI.create(pageUrl), listener).get(30, TimeUnit.SECONDS);
        BrowserPage page = new BrowserPage(p, socket);
        self[0] = page;
        page.call("Runtime.enable", null);
        page.call("Log.enable", null);
        page.call("Page.enable", null);
        page.viewport(width, height);
        return page;
    }

    /** The CSS viewport: a desktop window, or a phone's width (device scale 1, mobile layout). */
    public void viewport(int width, int height) throws Exception {
        ObjectNode p = JSON.createObjectNode().put("width", width).put("height", height).put("deviceScaleFactor", 1).put("mobile", width < 700);
        call("Emulation.setDeviceMetricsOverride", p);
    }

    /** Loads a file and waits for its load event. */
    public void load(Path html) throws Exception {
        loaded = new CompletableFuture<>();
        call("Page.navigate", JSON.createObjectNode().put("url", html.toUri().toString()));
        loaded.get(60, TimeUnit.SECONDS);
    }

    /** Evaluates a JavaScript expression in the page (promises awaited); returns its JSON value. */
    public JsonNode eval(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new AssertionError("Script failed in the page: " + expression + "\n" + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** Waits until {@code condition} (a JavaScript expression) is true, for at most 30 s. */
    public void waitFor(String condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!eval("!!(" + condition + ")").asBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The page never reached: " + condition + "; errors: " + errors());
            }
            Thread.sleep(50);
        }
    }

    /** Console errors and uncaught exceptions so far. */
    public List<String> errors() {
        synchronized (errors) {
            return new ArrayList<>(errors);
        }
    }

    /** A PNG of the whole page (not only the viewport) at the viewport's width. */
    public void screenshot(Path png) throws Exception {
        screenshot(png, true);
    }

    /** A PNG of the whole page, or of what the viewport shows now. */
    public void screenshot(Path png, boolean wholePage) throws Exception {
        JsonNode r = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", wholePage));
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode(r.get("data").asText()));
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        if (params != null) {
            msg.set("params", params);
        }
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        synchronized (socket) {
            socket.sendText(JSON.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
        }
        JsonNode reply = f.get(60, TimeUnit.SECONDS);
        if (reply.has("error")) {
            throw new AssertionError(method + " failed: " + reply.get("error"));
        }
        return reply.path("result");
    }

    private void onMessage(JsonNode m) {
        if (m.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
            if (f != null) {
                f.complete(m);
            }
            return;
        }
        String method = m.path("method").asText();
        JsonNode p = m.path("params");
        switch (method) {
            case "Page.loadEventFired":
                loaded.complete(null);
                break;
            case "Runtime.exceptionThrown":
                errors.add("exception: " + p.path("exceptionDetails").path("exception").path("description").asText(p.path("exceptionDetails").path("text").asText()));
                break;
            case "Runtime.consoleAPICalled":
                if (p.path("type").asText().equals("error")) {
                    errors.add("console.error: " + p.path("args"));
                }
                break;
            case "Log.entryAdded":
                if (p.path("entry").path("level").asText().equals("error")) {
                    errors.add("log: " + p.path("entry").path("text").asText());
                }
                break;
            default:
                break;
        }
    }

    @Override
    public void close() {
        socket.abort();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Collects a message's fragments and hands whole messages to the page. */
    private static final class Listener implements WebSocket.Listener {
        private final BrowserPage[] page;
        private final StringBuilder buffer = new StringBuilder();

        Listener(BrowserPage[] page) {
            this.page = page;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                String text = buffer.toString();
                buffer.setLength(0);
                try {
                    if (page[0] != null) {
                        page[0].onMessage(JSON.readTree(text));
                    } else {
                        // Replies to calls made before the page object exists cannot happen: the first call follows its construction.
                        throw new IllegalStateException("DevTools message before the page was set up: " + text);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("Unreadable DevTools message: " + text, e);
                }
            }
            ws.request(1);
            return null;
        }
    }
}
