package com.bedrockcost.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A front for a local S3 or Kinesis server that enforces the S3 and Kinesis statements of an IAM
 * policy: each request is mapped to the IAM action and resource AWS authorizes it as (HEAD object =
 * s3:GetObject, an upload part = s3:PutObject, a list = s3:ListBucket with its s3:prefix, a Kinesis
 * JSON call = kinesis:&lt;operation&gt; on its stream ARN), allowed requests are forwarded, others
 * answered AccessDenied and recorded. As on AWS, a missing S3 object reads as 404 only for a caller
 * that may list the bucket, else as 403.
 */
public final class PolicyFront implements AutoCloseable {
    /** One authorization: the action, the resource ARN, the s3:prefix of a list (or null), and the request. */
    public static final class Call {
        public final String action;
        public final String resource;
        public final String prefix;
        public final String request;

        Call(String action, String resource, String prefix, String request) {
            this.action = action;
            this.resource = resource;
            this.prefix = prefix;
            this.request = request;
        }

        @Override
        public String toString() {
            return action + " on " + resource + (prefix == null ? "" : " (s3:prefix=" + prefix + ")") + " for " + request;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "keep-alive", "date");

    private final List<JsonNode> statements;
    private final String target;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Call> allowed = new CopyOnWriteArrayList<>();
    private final List<Call> denied = new CopyOnWriteArrayList<>();
    private volatile String lastStream = "(unknown stream)";

    /** Starts a front on a free loopback port for {@code target} (S3Mock or kinesalite), enforcing the policy's s3 and kinesis statements. */
    public PolicyFront(JsonNode policyStatements, String target) throws IOException {
        List<JsonNode> s3 = new ArrayList<>();
        for (JsonNode s : policyStatements) {
            for (JsonNode a : s.get("actions")) {
                String action = a.asText().toLowerCase(Locale.ROOT);
                if (action.startsWith("s3:") || action.startsWith("kinesis:")) {
                    s3.add(s);
                    break;
                }
            }
        }
        this.statements = s3;
        this.target = target.replaceAll("/+$", "");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "policy-s3-front");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every request the policy denied, in order. */
    public List<Call> denied() {
        return Collections.unmodifiableList(denied);
    }

    /** Every authorization the policy allowed, in order. */
    public List<Call> allowed() {
        return Collections.unmodifiableList(allowed);
    }

    /** Whether {@code policyStatements} allow the call (no request is made). */
    public static boolean allows(JsonNode policyStatements, Call call) {
        List<JsonNode> all = new ArrayList<>();
        policyStatements.forEach(all::add);
        return evaluate(all, call.action, call.resource, call.prefix);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            handleOne(ex);
        } catch (IOException | RuntimeException e) {
            // A request the front cannot handle is the front's bug: say so, never let it pass silently.
            System.err.println("policy S3 front failed on " + ex.getRequestMethod() + " " + ex.getRequestURI() + ": " + e);
            e.printStackTrace();
            denied.add(new Call("(front error " + e + ")", ex.getRequestURI().toString(), null, ex.getRequestMethod()));
            throw e;
        } finally {
            ex.close();
        }
    }

    private void handleOne(HttpExchange ex) throws IOException {
        {
            byte[] body = ex.getRequestBody().readAllBytes();
            String method = ex.getRequestMethod();
            URI uri = ex.getRequestURI();
            String request = method + " " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            List<Call> calls = target != null ? List.of(kinesis(target, body, request))
                    : authorizations(method, uri, ex.getRequestHeaders().getFirst("x-amz-copy-source"), body, request);
            for (Call c : calls) {
                if (!evaluate(statements, c.action, c.resource, c.prefix)) {
                    denied.add(c);
                    if (target != null) {
                        denyJson(ex, c);
                    } else {
                        deny(ex, method, c);
                    }
                    return;
                }
            }
            allowed.addAll(calls);
            HttpResponse<byte[]> response = forward(ex, method, uri, body);
            if (response.statusCode() == 404 && isObject(uri) && calls.stream().anyMatch(c -> c.action.equals("s3:GetObject"))) {
                // AWS: "If the object you request doesn't exist, [...] without s3:ListBucket [...] 403".
                Call list = new Call("s3:ListBucket", bucketArn(uri), null, request + " (object missing: 404 needs s3:ListBucket)");
                if (!evaluate(statements, list.action, list.resource, list.prefix)) {
                    denied.add(list);
                    deny(ex, method, list);
                    return;
                }
                allowed.add(list);
            }
            reply(ex, method, response);
        }
    }

    /** A Kinesis JSON-protocol call ({@code X-Amz-Target: Kinesis_20131202.ListShards}): kinesis:ListShards on its stream. */
    Call kinesis(String target, byte[] body, String request) throws IOException {
        JsonNode json = JSON.readTree(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body);
        String arn = json.path("StreamARN").asText(json.path("ConsumerARN").asText(""));
        if (arn.isEmpty() && json.has("StreamName")) {
            arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + json.get("StreamName").asText();
        }
        if (arn.isEmpty() && json.has("ShardIterator")) {
            arn = lastStream; // AWS resolves a GetRecords iterator to its stream; one stream per front here
        } else if (!arn.isEmpty()) {
            lastStream = arn;
        }
        return new Call("kinesis:" + target.substring(target.indexOf('.') + 1), arn, null, request + " " + target);
    }

    /** The IAM authorizations S3 checks for one REST request (path-style addressing). */
    static List<Call> authorizations(String method, URI uri, String copySource, byte[] body, String request) {
        String path = uri.getRawPath();
        String[] parts = path.substring(1).split("/", 2);
        String bucket = parts[0];
        String key = parts.length > 1 ? decode(parts[1]) : "";
        Map<String, String> q = query(uri.getRawQuery());
        String bucketArn = "arn:aws:s3:::" + bucket;
        String objectArn = bucketArn + "/" + key;
        List<Call> calls = new ArrayList<>();
        if (key.isEmpty()) {
            if (method.equals("POST") && q.containsKey("delete")) {
                Matcher m = Pattern.compile("<Key>([^<]*)</Key>").matcher(new String(body, StandardCharsets.UTF_8));
                while (m.find()) {
                    calls.add(new Call("s3:DeleteObject", bucketArn + "/" + unescapeXml(m.group(1)), null, request));
                }
            } else if (method.equals("GET") && q.containsKey("uploads")) {
                calls.add(new Call("s3:ListBucketMultipartUploads", bucketArn, null, request));
            } else if (method.equals("GET") && q.containsKey("location")) {
                calls.add(new Call("s3:GetBucketLocation", bucketArn, null, request));
            } else if (method.equals("GET") && q.containsKey("versions")) {
                calls.add(new Call("s3:ListBucketVersions", bucketArn, q.get("prefix"), request));
            } else if (method.equals("GET") || method.equals("HEAD")) {
                calls.add(new Call("s3:ListBucket", bucketArn, method.equals("GET") ? q.get("prefix") : null, request));
            } else {
                calls.add(new Call("s3:(bucket operation " + method + ")", bucketArn, null, request));
            }
            return calls;
        }
        switch (method) {
            case "GET":
            case "HEAD":
                if (q.containsKey("uploadId")) {
                    calls.add(new Call("s3:ListMultipartUploadParts", objectArn, null, request));
                } else {
                    calls.add(new Call(q.containsKey("versionId") ? "s3:GetObjectVersion" : "s3:GetObject", objectArn, null, request));
                }
                break;
            case "PUT":
            case "POST":
                calls.add(new Call("s3:PutObject", objectArn, null, request));
                if (copySource != null) {
                    String source = decode(copySource.replaceFirst("^/", "").replaceFirst("\\?.*$", ""));
                    calls.add(new Call("s3:GetObject", "arn:aws:s3:::" + source, null, request));
                }
                break;
            case "DELETE":
                calls.add(new Call(q.containsKey("uploadId") ? "s3:AbortMultipartUpload" : "s3:DeleteObject", objectArn, null, request));
                break;
            default:
                calls.add(new Call("s3:(object operation " + method + ")", objectArn, null, request));
        }
        return calls;
    }

    /** IAM evaluation: an explicit Deny wins; else some Allow must match action, resource and every condition. */
    static boolean evaluate(List<JsonNode> statements, String action, String resource, String prefix) {
        boolean allow = false;
        for (JsonNode s : statements) {
            if (!matchesAny(s.get("actions"), action, true) || !matchesAny(s.get("resources"), resource, false)) {
                continue;
            }
            if (!conditionsHold(s.path("conditions"), prefix)) {
                continue;
            }
            if (s.path("effect").asText("Allow").equals("Deny")) {
                return false;
            }
            allow = true;
        }
        return allow;
    }

    private static boolean conditionsHold(JsonNode conditions, String prefix) {
        for (JsonNode c : conditions) {
            String variable = c.get("variable").asText();
            String test = c.get("test").asText();
            if (!variable.equals("s3:prefix")) {
                throw new IllegalArgumentException("condition on " + variable + " is not modelled by this front");
            }
            if (prefix == null) {
                return false; // a key absent from the request: the condition does not hold
            }
            boolean any = false;
            for (JsonNode v : c.get("values")) {
                if (test.equals("StringLike") ? glob(v.asText(), prefix, false) : test.equals("StringEquals") && v.asText().equals(prefix)) {
                    any = true;
                }
            }
            if (!(test.equals("StringLike") || test.equals("StringEquals"))) {
                throw new IllegalArgumentException("condition test " + test + " is not modelled by this front");
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchesAny(JsonNode patterns, String value, boolean ignoreCase) {
        for (JsonNode p : patterns) {
            if (glob(p.asText(), value, ignoreCase)) {
                return true;
            }
        }
        return false;
    }

    /** IAM wildcards: {@code *} any run of characters, {@code ?} one character. */
    static boolean glob(String pattern, String value, boolean ignoreCase) {
        StringBuilder re = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            re.append(ch == '*' ? ".*" : ch == '?' ? "." : Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(re.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.DOTALL : Pattern.DOTALL).matcher(value).matches();
    }

    private HttpResponse<byte[]> forward(HttpExchange ex, String method, URI uri, byte[] body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
        ex.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> b.header(name, v));
            }
        });
        b.method(method, body.length == 0 && (method.equals("GET") || method.equals("HEAD") || method.equals("DELETE"))
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void reply(HttpExchange ex, String method, HttpResponse<byte[]> response) throws IOException {
        response.headers().map().forEach((name, values) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(n) && !n.startsWith(":")) {
                ex.getResponseHeaders().put(name, values);
            }
        });
        byte[] body = response.body();
        if (method.equals("HEAD")) {
            response.headers().firstValue("content-length").ifPresent(v -> ex.getResponseHeaders().set("Content-Length", v));
            ex.sendResponseHeaders(response.statusCode(), -1);
            return;
        }
        ex.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void denyJson(HttpExchange ex, Call call) throws IOException {
        byte[] json = ("{\"__type\":\"AccessDeniedException\",\"message\":\"the policy does not allow " + call.action + " on "
                + call.resource + "\"}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        ex.sendResponseHeaders(400, json.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(json);
        }
    }

    private static void deny(HttpExchange ex, String method, Call call) throws IOException {
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied: "
                + "the policy does not allow " + call.action + " on " + call.resource + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/xml");
        if (method.equals("HEAD")) {
            ex.sendResponseHeaders(403, -1);
            return;
        }
        ex.sendResponseHeaders(403, xml.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(xml);
        }
    }

    private static boolean isObject(URI uri) {
        String[] parts = uri.getRawPath().substring(1).split("/", 2);
        return parts.length > 1 && !parts[1].isEmpty();
    }

    private static String bucketArn(URI uri) {
        return "arn:aws:s3:::" + uri.getRawPath().substring(1).split("/", 2)[0];
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String p : raw.split("&")) {
            int eq = p.indexOf('=');
            q.put(decode(eq < 0 ? p : p.substring(0, eq)), eq < 0 ? "" : decode(p.substring(eq + 1)));
        }
        return q;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String unescapeXml(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
    }

    /** The distinct actions and resources of {@code calls}, for a readable report. */
    public static Set<String> summary(List<Call> calls) {
        Set<String> s = new LinkedHashSet<>();
        for (Call c : calls) {
            s.add(c.action + " " + c.resource.replaceAll("part-[^/]*", "part-*").replaceAll("year=\\d+/month=\\d+/day=\\d+", "year=*/month=*/day=*")
                    + (c.prefix == null ? "" : " prefix=" + c.prefix));
        }
        return s;
    }
}
