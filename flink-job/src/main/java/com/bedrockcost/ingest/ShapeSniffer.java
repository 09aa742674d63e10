package com.bedrockcost.ingest;

import com.bedrockcost.model.FileShape;
import com.bedrockcost.model.FileSkip;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Decides a file's {@link FileShape} from its first bytes (after gzip, if any), or why it is skipped.
 * Looks at the first JSON value's top-level field names ({@code messageType}: a subscription envelope;
 * {@code @message}: a Logs Insights row) and at how lines start; never at the file's name, except
 * that a file named like a large-body object whose content is not a record is a body.
 */
final class ShapeSniffer {
    private static final String PERMISSION_TEXT = "Permissions are correctly set for Amazon Bedrock logs";
    private static final String NO_RECORD = "JSON without invocation records: no requestId, schemaType or modelId in its first 64 KiB";
    private static final byte[][] RECORD_FIELDS = {
        "\"requestId\"".getBytes(StandardCharsets.US_ASCII), "\"schemaType\"".getBytes(StandardCharsets.US_ASCII),
        "\"modelId\"".getBytes(StandardCharsets.US_ASCII)};

    private ShapeSniffer() {}

    /** What the sniffer found: a shape to read, or a reason to skip (with {@code detail} for an unknown file). */
    static final class Detection {
        final FileShape shape;
        final FileSkip skip;
        final String detail;

        private Detection(FileShape shape, FileSkip skip, String detail) {
            this.shape = shape;
            this.skip = skip;
            this.detail = detail;
        }

        static Detection of(FileShape shape) {
            return new Detection(shape, null, null);
        }

        static Detection skip(FileSkip skip, String detail) {
            return new Detection(null, skip, detail);
        }
    }

    /** Top-level field names of the first object that tell its kind. */
    private static final class Keys {
        boolean messageType;
        /** A Logs Insights field ({@code @message}, {@code @timestamp}, {@code @logStream} ...). */
        boolean atMessage;
        boolean record;
        /** {@code recordId}, {@code modelInput}, {@code modelOutput}: a line of batch inference output. */
        int batchRecord;
        /** {@code totalRecordCount}, {@code processedRecordCount}: a batch job's manifest. */
        int batchManifest;

        boolean batchOutput() {
            return batchRecord >= 2;
        }

        boolean batchManifest() {
            return batchManifest == 2;
        }
    }

    /** Length of a UTF-8 byte order mark at the start of {@code w}, else 0. */
    static int bom(byte[] w, int n) {
        return n >= 3 && (w[0] & 0xff) == 0xef && (w[1] & 0xff) == 0xbb && (w[2] & 0xff) == 0xbf ? 3 : 0;
    }

    /**
     * The shape of a file whose first {@code n} bytes are {@code w}; {@code whole} when they are the
     * whole file; {@code bodyName} when it is named like a large-body object.
     */
    static Detection detect(byte[] w, int n, boolean whole, boolean bodyName, JsonFactory json) {
        int s = skipSpace(w, bom(w, n), n);
        if (s >= n) {
            return whole ? Detection.skip(FileSkip.EMPTY, null) : Detection.of(FileShape.JSON_LINES);
        }
        if (binary(w, s, n)) {
            return bodyName ? Detection.skip(FileSkip.LARGE_BODY, null) : Detection.skip(FileSkip.NOT_A_LOG_FILE, describe(w, s, n));
        }
        byte c = w[s];
        if (c == '{') {
            Keys k = keys(json, w, s, n);
            if (k.messageType) {
                return Detection.of(FileShape.SUBSCRIPTION_ENVELOPES);
            }
            if (k.batchOutput() && !k.record) {
                return Detection.of(FileShape.BATCH_OUTPUT);
            }
            if (k.batchManifest() && !k.record) {
                return Detection.skip(FileSkip.BATCH_MANIFEST, null);
            }
            if (bodyName && !k.record) {
                return Detection.skip(FileSkip.LARGE_BODY, null);
            }
            int nl = indexOf(w, (byte) '\n', s, n);
            boolean lines = nl < 0 || closesBefore(w, s, nl);
            if (!k.record && closesBefore(w, s, n) && !mentionsARecord(w, n)) {
                return Detection.skip(FileSkip.NOT_A_LOG_FILE, NO_RECORD);
            }
            return Detection.of(lines ? FileShape.JSON_LINES : FileShape.PRETTY_JSON);
        }
        if (c == '[') {
            int e = skipSpace(w, s + 1, n);
            if (e < n && w[e] == '{') {
                Keys k = keys(json, w, e, n);
                if (bodyName && !k.record && !k.atMessage) {
                    return Detection.skip(FileSkip.LARGE_BODY, null);
                }
                if (!k.atMessage && !k.record && closesBefore(w, e, n) && !mentionsARecord(w, n)) {
                    return Detection.skip(FileSkip.NOT_A_LOG_FILE, NO_RECORD);
                }
                return Detection.of(k.atMessage ? FileShape.INSIGHTS_DOWNLOAD : FileShape.JSON_ARRAY);
            }
            if (e < n && w[e] == ']' || e >= n && !whole) {
                return Detection.of(FileShape.JSON_ARRAY);
            }
            if (bodyName) {
                return Detection.skip(FileSkip.LARGE_BODY, null); // e.g. a stream body: an array of chunks
            }
            return Detection.skip(FileSkip.NOT_A_LOG_FILE, "a JSON array whose elements are not objects");
        }
        // Line by line: an export line or a record on any line of the window decides; a first line of
        // junk before records must not lose the records.
        int lineStart = 0;
        boolean first = true;
        while (lineStart < n) {
            int nl = indexOf(w, (byte) '\n', lineStart, n);
            int end = nl < 0 ? n : nl;
            if (nl < 0 && !whole && lineStart > 0) {
                break; // a partial last line of the window
            }
            int t = skipSpace(w, lineStart == 0 ? bom(w, n) : lineStart, end);
            if (t < end) {
                if (exportPrefix(w, t, end) > 0) {
                    return Detection.of(FileShape.CLOUDWATCH_EXPORT);
                }
                if (w[t] == '{') {
                    return Detection.of(FileShape.JSON_LINES);
                }
                if (first && startsWith(w, t, end, PERMISSION_TEXT) && skipSpace(w, end, n) >= n && whole) {
                    return Detection.skip(FileSkip.PERMISSION_CHECK, null);
                }
                first = false;
            }
            if (nl < 0) {
                break;
            }
            lineStart = nl + 1;
        }
        if (bodyName) {
            return Detection.skip(FileSkip.LARGE_BODY, null); // a text or binary body
        }
        return Detection.skip(FileSkip.NOT_A_LOG_FILE, describe(w, s, n));
    }

    /**
     * Length of a CloudWatch Logs export prefix {@code YYYY-MM-DDTHH:MM:SS[.fff]Z } at {@code b[off]},
     * the space included; 0 when the line does not start with one.
     */
    static int exportPrefix(byte[] b, int off, int end) {
        String pattern = "dddd-dd-ddTdd:dd:dd";
        int i = off;
        for (int k = 0; k < pattern.length(); k++, i++) {
            if (i >= end) {
                return 0;
            }
            char p = pattern.charAt(k);
            byte c = b[i];
            if (p == 'd' ? c < '0' || c > '9' : c != p) {
                return 0;
            }
        }
        if (i < end && b[i] == '.') {
            i++;
            int digits = i;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
            if (i == digits) {
                return 0;
            }
        }
        if (i + 1 < end && b[i] == 'Z' && b[i + 1] == ' ') {
            return i + 2 - off;
        }
        return 0;
    }

    private static Keys keys(JsonFactory json, byte[] w, int off, int n) {
        Keys k = new Keys();
        try (JsonParser p = json.createParser(w, off, n - off)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return k;
            }
            String name;
            while ((name = p.nextFieldName()) != null) {
                switch (name) {
                    case "messageType":
                        k.messageType = true;
                        break;
                    case "@message":
                    case "@timestamp":
                    case "@logStream":
                    case "@log":
                    case "@ptr":
                        k.atMessage = true;
                        break;
                    case "schemaType":
                    case "requestId":
                        k.record = true;
                        break;
                    case "recordId":
                    case "modelInput":
                    case "modelOutput":
                        k.batchRecord++;
                        break;
                    case "totalRecordCount":
                    case "processedRecordCount":
                        k.batchManifest++;
                        break;
                    default:
                }
                p.nextToken();
                p.skipChildren();
            }
        } catch (IOException e) {
            // The window ends inside the value, or it is not JSON: what was seen before decides.
        }
        return k;
    }

    /**
     * Whether a record's field name appears anywhere in the window. Asked only when a first JSON value
     * without them is complete in the window: JSON that names none of them (a dataset, a config file)
     * is one unknown file, not a failed row per line; one record further down keeps the file read.
     */
    private static boolean mentionsARecord(byte[] w, int n) {
        for (byte[] field : RECORD_FIELDS) {
            outer:
            for (int i = 0; i + field.length <= n; i++) {
                for (int k = 0; k < field.length; k++) {
                    if (w[i + k] != field[k]) {
                        continue outer;
                    }
                }
                return true;
            }
        }
        return false;
    }

    /** Whether the JSON value starting at {@code w[s]} is complete before {@code end} (strings and escapes respected). */
    private static boolean closesBefore(byte[] w, int s, int end) {
        int depth = 0;
        boolean str = false;
        boolean esc = false;
        for (int i = s; i < end; i++) {
            byte c = w[i];
            if (str) {
                if (esc) {
                    esc = false;
                } else if (c == '\\') {
                    esc = true;
                } else if (c == '"') {
                    str = false;
                }
            } else if (c == '"') {
                str = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ']') && --depth == 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] w, int off, int end, String text) {
        if (end - off < text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (w[off + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int skipSpace(byte[] w, int i, int n) {
        while (i < n && (w[i] == ' ' || w[i] == '\t' || w[i] == '\r' || w[i] == '\n')) {
            i++;
        }
        return i;
    }

    private static int indexOf(byte[] w, byte b, int from, int n) {
        for (int i = from; i < n; i++) {
            if (w[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether the start looks binary: JSON and log text never hold raw control characters (JSON
     * escapes them), a binary file has many; a few in damaged text do not make it binary.
     */
    private static boolean binary(byte[] w, int s, int n) {
        int end = Math.min(n, s + 4096);
        int control = 0;
        for (int i = s; i < end; i++) {
            int c = w[i] & 0xff;
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0x0c) {
                control++;
            }
        }
        return control * 100 > end - s;
    }

    /** A short description of unknown content: binary (its first bytes in hex) or text (its first printable characters). */
    private static String describe(byte[] w, int s, int n) {
        int end = Math.min(n, s + 512);
        int control = 0;
        for (int i = s; i < end; i++) {
            int c = w[i] & 0xff;
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                control++;
            }
        }
        if (control > 0) {
            StringBuilder hex = new StringBuilder();
            for (int i = s; i < Math.min(n, s + 8); i++) {
                hex.append(String.format("%02x ", w[i] & 0xff));
            }
            return "binary data (it starts with " + hex.toString().trim() + ")";
        }
        String text = new String(w, s, Math.min(n - s, 40), StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        text = (nl >= 0 ? text.substring(0, nl) : text).replaceAll("[^\\x20-\\x7e]", "?").trim();
        return "text that is neither JSON records nor CloudWatch Logs lines (it starts with \"" + text + "\")";
    }
}
