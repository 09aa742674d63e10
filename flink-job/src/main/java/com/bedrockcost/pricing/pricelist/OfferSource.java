package com.bedrockcost.pricing.pricelist;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where offer files come from: a file, a folder (every {@code *.json} below it), an {@code s3://} URI,
 * an {@code https://} (or {@code http://}) URL of one file, or the bulk endpoint itself
 * ({@code https://pricing.us-east-1.amazonaws.com}), from which the current offer of every Bedrock
 * offer code is fetched. Version index files among them give effective dates.
 */
public final class OfferSource {
    /** Every offer code that carries Bedrock model prices; reading only one of them misses models. */
    public static final List<String> OFFER_CODES = List.of("AmazonBedrock", "AmazonBedrockFoundationModels", "AmazonBedrockService");
    /** The public bulk endpoint of the AWS Price List. */
    public static final String PUBLIC_ENDPOINT = "https://pricing.us-east-1.amazonaws.com";
    private static final String OFFERS_PATH = "/offers/v1.0/aws";
    /** Larger downloads are refused: the Bedrock offers are tens of megabytes. */
    static final long MAX_BYTES = 1L << 30;

    /** What was read. */
    public static final class Offers {
        public final List<OfferFile> offers = new ArrayList<>();
        public final List<VersionIndex> indexes = new ArrayList<>();
    }

    private final Duration timeout;

    /** {@code timeout}: the most one HTTP download may take in all (a stalled server fails the reading). */
    public OfferSource(Duration timeout) {
        this.timeout = timeout;
    }

    /** Reads every offer file at {@code location}. Any file that cannot be read fails the whole reading. */
    public Offers read(String location) throws IOException {
        Offers out = new Offers();
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            if (lower.endsWith(".json")) {
                add(out, download(location), location);
            } else {
                String base = location.replaceAll("/+$", "");
                if (!base.endsWith(OFFERS_PATH)) {
                    base = base + OFFERS_PATH;
                }
                for (String code : OFFER_CODES) {
                    String url = base + "/" + code + "/current/index.json";
                    add(out, download(url), url);
                }
            }
            return out;
        }
        if (!location.contains("://")) {
            readLocal(java.nio.file.Paths.get(location), out);
            return out;
        }
        org.apache.flink.core.fs.Path root = new org.apache.flink.core.fs.Path(location);
        FileSystem fs = root.getFileSystem();
        FileStatus status;
        try {
            status = fs.getFileStatus(root);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException("No offer file or folder at " + location);
        }
        if (status.isDir()) {
            List<FileStatus> files = new ArrayList<>();
            walk(fs, root, files);
            files.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
            if (files.isEmpty()) {
                throw new FileNotFoundException("No offer files (*.json) in " + location);
            }
            for (FileStatus f : files) {
                add(out, readAll(fs, f), f.getPath().toString());
            }
        } else {
            add(out, readAll(fs, status), location);
        }
        return out;
    }

    /** A local file or folder, without Flink's file systems (quicker to start for the command line). */
    private static void readLocal(java.nio.file.Path root, Offers out) throws IOException {
        if (!java.nio.file.Files.exists(root)) {
            throw new FileNotFoundException("No offer file or folder at " + root);
        }
        if (!java.nio.file.Files.isDirectory(root)) {
            add(out, java.nio.file.Files.readAllBytes(root), root.toString());
            return;
        }
        List<java.nio.file.Path> files;
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(root)) {
            files = s.filter(p -> java.nio.file.Files.isRegularFile(p)
                            && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
                            && !hidden(root.relativize(p)))
                    .sorted().collect(java.util.stream.Collectors.toList());
        }
        if (files.isEmpty()) {
            throw new FileNotFoundException("No offer files (*.json) in " + root);
        }
        for (java.nio.file.Path f : files) {
            add(out, java.nio.file.Files.readAllBytes(f), f.toString());
        }
    }

    /** Names starting with . or _ are skipped, as by the price folder reader (files being written). */
    private static boolean hidden(java.nio.file.Path relative) {
        for (java.nio.file.Path part : relative) {
            String n = part.toString();
            if (n.startsWith(".") || n.startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    private static void walk(FileSystem fs, org.apache.flink.core.fs.Path dir, List<FileStatus> out) throws IOException {
        FileStatus[] children = fs.listStatus(dir);
        if (children == null) {
            return;
        }
        for (FileStatus c : children) {
            String name = c.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                continue;
            }
            if (c.isDir()) {
                walk(fs, c.getPath(), out);
            } else if (name.toLowerCase(Locale.ROOT).endsWith(".json")) {
                out.add(c);
            }
        }
    }

    private static byte[] readAll(FileSystem fs, FileStatus f) throws IOException {
        if (f.getLen() > MAX_BYTES) {
            throw new IOException(f.getPath() + " is larger than " + MAX_BYTES + " bytes");
        }
        try (FSDataInputStream in = fs.open(f.getPath())) {
            return in.readAllBytes();
        }
    }

    /** An offer file or a version index, told apart by their top-level fields. */
    static void add(Offers out, byte[] bytes, String origin) throws IOException {
        if (isVersionIndex(bytes, origin)) {
            out.indexes.add(VersionIndex.read(bytes, origin));
        } else {
            out.offers.add(OfferFile.read(new ByteArrayInputStream(bytes), origin));
        }
    }

    private static boolean isVersionIndex(byte[] bytes, String origin) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(origin + ": not an AWS Price List file (no JSON object)");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.getCurrentName();
                if (name.equals("products") || name.equals("terms")) {
                    return false;
                }
                if (name.equals("versions")) {
                    return true;
                }
                p.nextToken();
                p.skipChildren();
            }
            return false;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(origin + ": not valid JSON, or cut short (" + e.getOriginalMessage() + ")", e);
        }
    }

    /**
     * The body of {@code url}. Fails on any status but 200, on a body shorter than its Content-Length,
     * and when the whole download takes longer than the timeout (a server that stalls mid-body).
     */
    byte[] download(String url) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        c.setConnectTimeout(millis);
        c.setReadTimeout(millis);
        c.setInstanceFollowRedirects(true);
        try {
            int status = c.getResponseCode();
            if (status != 200) {
                throw new IOException("GET " + url + " answered HTTP " + status);
            }
            long expected = c.getContentLengthLong();
            if (expected > MAX_BYTES) {
                throw new IOException("GET " + url + ": " + expected + " bytes is more than " + MAX_BYTES);
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream(expected > 0 ? (int) expected : 1 << 16);
            try (InputStream in = c.getInputStream()) {
                byte[] chunk = new byte[1 << 16];
                int n;
                while ((n = in.read(chunk)) > 0) {
                    buf.write(chunk, 0, n);
                    if (buf.size() > MAX_BYTES) {
                        throw new IOException("GET " + url + ": more than " + MAX_BYTES + " bytes");
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IOException("GET " + url + ": not complete after " + timeout + " (" + buf.size() + " bytes)");
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new IOException("GET " + url + ": no data for " + timeout + " (" + buf.size() + " bytes read)", e);
            }
            if (expected >= 0 && buf.size() != expected) {
                throw new IOException("GET " + url + ": got " + buf.size() + " of " + expected + " bytes (truncated)");
            }
            return buf.toByteArray();
        } catch (java.net.SocketTimeoutException e) {
            throw new IOException("GET " + url + ": no answer within " + timeout, e);
        } finally {
            c.disconnect();
        }
    }
}
