package com.bedrockcost.testutil;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A bucket of a local S3 server through the plain S3 REST API (ListObjectsV2, GetObject, PutObject,
 * ListMultipartUploads): an independent way to see what the job wrote, not through Flink or Hadoop.
 * Requests are unsigned; S3Mock accepts them.
 */
public final class S3Objects {
    private final String endpoint;
    private final String bucket;
    private final HttpClient http = HttpClient.newHttpClient();

    public S3Objects(String endpoint, String bucket) {
        this.endpoint = endpoint;
        this.bucket = bucket;
    }

    /** Every key under {@code prefix}. */
    public List<String> keys(String prefix) throws IOException {
        List<String> keys = new ArrayList<>();
        String token = null;
        do {
            String q = "list-type=2&prefix=" + enc(prefix) + (token == null ? "" : "&continuation-token=" + enc(token));
            Document doc = xml(get("/" + bucket + "?" + q));
            NodeList contents = doc.getElementsByTagName("Contents");
            for (int i = 0; i < contents.getLength(); i++) {
                keys.add(text((Element) contents.item(i), "Key"));
            }
            token = "true".equals(text(doc.getDocumentElement(), "IsTruncated"))
                    ? text(doc.getDocumentElement(), "NextContinuationToken") : null;
        } while (token != null);
        return keys;
    }

    /** Keys of multipart uploads started under {@code prefix} and neither completed nor aborted. */
    public List<String> pendingUploads(String prefix) throws IOException {
        Document doc = xml(get("/" + bucket + "?uploads&prefix=" + enc(prefix)));
        NodeList uploads = doc.getElementsByTagName("Upload");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < uploads.getLength(); i++) {
            keys.add(text((Element) uploads.item(i), "Key"));
        }
        return keys;
    }

    /** Downloads every object under {@code prefix} to {@code target}, keeping the key's path below the prefix. */
    public int download(String prefix, Path target) throws IOException {
        int n = 0;
        for (String key : keys(prefix)) {
            Path file = target.resolve(key.substring(prefix.length()).replaceFirst("^/", ""));
            Files.createDirectories(file.getParent());
            Files.write(file, get("/" + bucket + "/" + key));
            n++;
        }
        return n;
    }

    /** The text of one object. */
    public String text(String key) throws IOException {
        return new String(get("/" + bucket + "/" + key), StandardCharsets.UTF_8);
    }

    /** Puts one object. */
    public void put(String key, byte[] content) throws IOException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/" + bucket + "/" + key))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("PUT " + key + ": HTTP " + r.statusCode() + " " + r.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private byte[] get(String pathAndQuery) throws IOException {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(endpoint + pathAndQuery)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IOException("GET " + pathAndQuery + ": HTTP " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
            }
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static Document xml(byte[] body) throws IOException {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(body));
        } catch (Exception e) {
            throw new IOException("Not an S3 XML answer: " + e.getMessage());
        }
    }

    private static String text(Element parent, String tag) {
        NodeList n = parent.getElementsByTagName(tag);
        return n.getLength() == 0 ? null : n.item(0).getTextContent();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
