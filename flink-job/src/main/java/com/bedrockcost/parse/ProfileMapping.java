package com.bedrockcost.parse;

import com.bedrockcost.config.ConfigException;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Serializable;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The user's mapping of ARNs that carry no model name (application inference profiles, also
 * provisioned or custom models) to a model, a profile scope and optionally a tenant. A CSV file
 * (UTF-8, header row {@code profile_arn,model_id,profile_scope,tenant}; blank lines and lines
 * starting with {@code #} ignored):
 *
 * <pre>
 * profile_arn,model_id,profile_scope,tenant
 * arn:aws:bedrock:us-east-2:111122223333:application-inference-profile/a1b2c3d4e5f6,us.anthropic.claude-sonnet-4-5-20250929-v1:0,,acme-co
 * arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/0f9e8d7c6b5a,anthropic.claude-3-haiku-20240307-v1:0,in-region,
 * </pre>
 *
 * {@code model_id} takes any form a log can carry (plain id, geo/global profile id,
 * foundation-model or inference-profile ARN) and is canonicalised; {@code profile_scope} (in-region,
 * geo or global) defaults to the scope the model_id implies. A file that breaks any rule is
 * rejected whole, with the file, line and reason, when the job is built.
 */
public final class ProfileMapping implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String HEADER = "profile_arn,model_id,profile_scope,tenant";
    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\\d{12}:[a-z-]+/\\S+");
    /** The characters Bedrock allows in requestMetadata values, so a mapped tenant looks like a logged one. */
    static final Pattern TENANT = Pattern.compile("[a-zA-Z0-9\\s:_@$#=/+,\\-.]{1,256}");

    /** What the mapping says about one ARN. */
    public static final class Entry implements Serializable {
        private static final long serialVersionUID = 1L;
        public final String profileArn;
        /** Canonical model id; null when the row gives only a tenant. */
        public final String model;
        public final String profileScope;
        /** Null when the row gives no tenant. */
        public final String tenant;
        /** Where the row is, {@code file:line}. */
        public final String where;

        Entry(String profileArn, String model, String profileScope, String tenant, String where) {
            this.profileArn = profileArn;
            this.model = model;
            this.profileScope = profileScope;
            this.tenant = tenant;
            this.where = where;
        }
    }

    private static final ProfileMapping EMPTY = new ProfileMapping(Collections.emptyMap(), "");

    private final Map<String, Entry> byArn;
    private final String name;

    private ProfileMapping(Map<String, Entry> byArn, String name) {
        this.byArn = byArn;
        this.name = name;
    }

    public static ProfileMapping empty() {
        return EMPTY;
    }

    /** Reads and validates the file at {@code location} (a local path or any URI Flink's file systems serve, e.g. s3://). */
    public static ProfileMapping load(String location) {
        Path path = new Path(location);
        try {
            FileSystem fs = path.getFileSystem();
            try (FSDataInputStream in = fs.open(path);
                 Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return parse(r, location);
            }
        } catch (FileNotFoundException e) {
            throw new ConfigException("Tenant mapping file " + location + " (tenant.mapping.path) does not exist");
        } catch (IOException e) {
            throw new ConfigException("Cannot read tenant mapping file " + location + " (tenant.mapping.path): " + e);
        }
    }

    /** Parses mapping CSV text; {@code name} names the file in error messages. */
    public static ProfileMapping parse(String csv, String name) {
        try {
            return parse(new StringReader(csv), name);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringReader does not fail
        }
    }

    static ProfileMapping parse(Reader reader, String name) throws IOException {
        BufferedReader in = new BufferedReader(reader);
        Map<String, Entry> byArn = new HashMap<>();
        String line;
        int lineNo = 0;
        boolean header = false;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String where = name + ":" + lineNo;
            List<String> cells = cells(trimmed, where);
            if (!header) {
                String got = String.join(",", cells).toLowerCase(Locale.ROOT).replace(" ", "");
                if (!got.equals(HEADER)) {
                    throw fail(where, "the header row must be '" + HEADER + "', found '" + abbreviate(trimmed) + "'");
                }
                header = true;
                continue;
            }
            if (cells.size() != 4) {
                throw fail(where, "expected 4 columns (" + HEADER + "), found " + cells.size());
            }
            Entry e = entry(cells, where);
            Entry before = byArn.putIfAbsent(e.profileArn, e);
            if (before != null) {
                throw fail(where, "profile_arn " + e.profileArn + " is already mapped at " + before.where);
            }
        }
        if (!header) {
            throw fail(name, "the file is empty; it needs the header row '" + HEADER + "'");
        }
        return new ProfileMapping(Collections.unmodifiableMap(byArn), name);
    }

    private static Entry entry(List<String> cells, String where) {
        String arn = cells.get(0);
        String modelId = cells.get(1);
        String scope = cells.get(2);
        String tenant = cells.get(3);
        if (!ARN.matcher(arn).matches()) {
            throw fail(where, "profile_arn '" + abbreviate(arn) + "' is not a Bedrock ARN such as "
                    + "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6");
        }
        if (modelId.isEmpty() && tenant.isEmpty()) {
            throw fail(where, "the row maps " + arn + " to nothing: give a model_id, a tenant or both");
        }
        String model = null;
        String derivedScope = null;
        if (!modelId.isEmpty()) {
            ModelIds.Resolved r = ModelIds.resolve(modelId);
            if (r.model == null) {
                throw fail(where, "model_id '" + abbreviate(modelId) + "' names no model (use a model id such as "
                        + "anthropic.claude-3-haiku-20240307-v1:0, a profile id such as us.amazon.nova-pro-v1:0, or their ARNs)");
            }
            model = r.model;
            derivedScope = r.profileScope;
        }
        String profileScope = derivedScope;
        if (!scope.isEmpty()) {
            if (!ModelIds.isScope(scope)) {
                throw fail(where, "profile_scope '" + abbreviate(scope) + "' must be in-region, geo, global or empty");
            }
            if (model == null) {
                throw fail(where, "profile_scope is set but model_id is empty");
            }
            profileScope = scope;
        }
        if (!tenant.isEmpty() && !TENANT.matcher(tenant).matches()) {
            throw fail(where, "tenant '" + abbreviate(tenant) + "' must be 1-256 characters of letters, digits, "
                    + "whitespace and : _ @ $ # = / + , - . (what Bedrock allows in requestMetadata)");
        }
        return new Entry(arn, model, profileScope, tenant.isEmpty() ? null : tenant, where);
    }

    /** Splits one CSV line; cells may be double-quoted ({@code ""} inside quotes is a quote); cells are trimmed. */
    private static List<String> cells(String line, String where) {
        List<String> out = new ArrayList<>(4);
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"' && cell.toString().trim().isEmpty() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
                cell.setLength(0);
            } else if (c == ',') {
                out.add(cell.toString().trim());
                cell.setLength(0);
                wasQuoted = false;
            } else if (wasQuoted && !Character.isWhitespace(c)) {
                throw fail(where, "text after a closing quote in column " + (out.size() + 1));
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw fail(where, "a quoted cell is not closed");
        }
        out.add(cell.toString().trim());
        return out;
    }

    private static ConfigException fail(String where, String reason) {
        return new ConfigException("Tenant mapping file (tenant.mapping.path) " + where + ": " + reason);
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }

    /** The entry for exactly this ARN (as logged in modelId), or null. */
    public Entry get(String arn) {
        return arn == null || byArn.isEmpty() ? null : byArn.get(arn);
    }

    public int size() {
        return byArn.size();
    }

    public boolean isEmpty() {
        return byArn.isEmpty();
    }

    /** The file it came from ("" when empty). */
    public String name() {
        return name;
    }
}
