package com.bedrockcost.pricing;

import com.bedrockcost.config.JobConfig;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Where price files are: a local or {@code s3://} folder (read recursively), a single file, or the
 * table built into the job ({@code pricing/*.csv} of the repository, on the classpath). A file is named
 * {@code <folder name>/<path below it>}, e.g. {@code pricing/anthropic.csv}; rows refer to it as
 * {@code pricing/anthropic.csv:12}.
 */
public final class PriceLocation implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Folder of the built-in table on the classpath. */
    static final String BUILT_IN = "pricing";
    /**
     * The built-in unit price files (guardrails, images, video, rerank): a subfolder, because the Glue
     * {@code pricing} table reads the token price files of the folder by column position.
     */
    static final String BUILT_IN_UNITS = BUILT_IN + "/units";
    /** Larger files are refused: a price table is a few kilobytes, and every file is held in state. */
    static final long MAX_FILE_BYTES = 4L << 20;

    /** Null for the built-in table. */
    private final String uri;
    /** What the files hold, for messages and metric names: {@code price}, {@code budget}. */
    private final String kind;
    /**
     * A second folder read with this one ({@code pricing.units.path}), or null: unit price files kept
     * out of the folder a Glue/Athena table reads (Athena reads every file below a table's location).
     */
    private final String unitsUri;

    private PriceLocation(String uri, String kind) {
        this(uri, kind, null);
    }

    private PriceLocation(String uri, String kind, String unitsUri) {
        this.uri = uri;
        this.kind = kind;
        this.unitsUri = unitsUri;
    }

    /** This location and the folder {@code path} read together as one table (their file names must differ). */
    public PriceLocation withUnits(String path) {
        return new PriceLocation(uri, kind, of(path, kind).uri);
    }

    public static PriceLocation builtIn() {
        return new PriceLocation(null, "price");
    }

    /** A local path (made absolute) or a URI such as {@code s3://bucket/prices/}. */
    public static PriceLocation of(String path) {
        return of(path, "price");
    }

    /**
     * A folder or file of other CSV tables read the same way ({@code kind} names them in messages
     * and metrics, e.g. {@code budget}: the budget table).
     */
    public static PriceLocation of(String path, String kind) {
        if (path.contains("://")) {
            return new PriceLocation(path, kind);
        }
        return new PriceLocation(new File(path).getAbsoluteFile().toURI().toString(), kind);
    }

    /** What the files hold: {@code price} or {@code budget}. */
    public String kind() {
        return kind;
    }

    /** {@code pricing.path}, or the built-in table when it is empty. */
    public static PriceLocation fromConfig(JobConfig config) {
        PriceLocation location = config.isSet(JobConfig.PRICING_PATH) ? of(config.get(JobConfig.PRICING_PATH)) : builtIn();
        return config.isSet(JobConfig.PRICING_UNITS_PATH) ? location.withUnits(config.get(JobConfig.PRICING_UNITS_PATH)) : location;
    }

    public boolean isBuiltIn() {
        return uri == null && unitsUri == null;
    }

    @Override
    public String toString() {
        return (uri == null ? "the built-in price table (classpath " + BUILT_IN + "/)" : uri)
                + (unitsUri == null ? "" : " and " + unitsUri);
    }

    /**
     * Every price file now, name → content (null for a file too large to hold). Files are {@code *.csv};
     * names starting with {@code .} or {@code _} are ignored (write a file under such a name, then
     * rename it, so that no half-written file is read).
     */
    public Map<String, String> read() throws IOException {
        Map<String, String> files = readOwn();
        if (unitsUri != null) {
            for (Map.Entry<String, String> e : new PriceLocation(unitsUri, kind).readOwn().entrySet()) {
                if (files.containsKey(e.getKey())) {
                    throw new IOException("Two price files are named " + e.getKey() + " (in " + this
                            + "): give the units folder another name");
                }
                files.put(e.getKey(), e.getValue());
            }
        }
        return files;
    }

    private Map<String, String> readOwn() throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (uri == null) {
            readBuiltIn(files);
            return files;
        }
        Path root = new Path(uri);
        FileSystem fs = root.getFileSystem();
        FileStatus status;
        try {
            status = fs.getFileStatus(root);
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException("No " + kind + " file or folder at " + uri);
        }
        if (!status.isDir()) {
            files.put(root.getName(), content(fs, status));
            return files;
        }
        String name = root.getName();
        if (name.isEmpty()) {
            name = root.toUri().getHost() == null ? kind + "s" : root.toUri().getHost();
        }
        walk(fs, root, name, files);
        return files;
    }

    private static void walk(FileSystem fs, Path dir, String prefix, Map<String, String> files) throws IOException {
        FileStatus[] children = fs.listStatus(dir);
        if (children == null) {
            return;
        }
        for (FileStatus child : children) {
            String name = child.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                continue;
            }
            if (child.isDir()) {
                walk(fs, child.getPath(), prefix + "/" + name, files);
            } else if (name.toLowerCase(Locale.ROOT).endsWith(".csv")) {
                files.put(prefix + "/" + name, content(fs, child));
            }
        }
    }

    private static String content(FileSystem fs, FileStatus status) throws IOException {
        if (status.getLen() > MAX_FILE_BYTES) {
            return null;
        }
        try (FSDataInputStream in = fs.open(status.getPath())) {
            return decode(in);
        }
    }

    /** UTF-8; bytes that are not UTF-8 become U+FFFD, which the parser reports with their line. */
    private static String decode(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            if (out.size() > MAX_FILE_BYTES) {
                return null;
            }
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    /** The built-in files, found next to this class: in the job's jar, or in a classes folder when run from a build. */
    private static void readBuiltIn(Map<String, String> files) throws IOException {
        URL location = PriceLocation.class.getProtectionDomain().getCodeSource().getLocation();
        File base;
        try {
            base = new File(location.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("Cannot locate the built-in price table from " + location, e);
        }
        if (base.isDirectory()) {
            for (String folder : new String[] {BUILT_IN, BUILT_IN_UNITS}) {
                File[] list = new File(base, folder).listFiles((d, n) -> n.endsWith(".csv") && !n.startsWith(".") && !n.startsWith("_"));
                if (list != null) {
                    for (File f : list) {
                        files.put(folder + "/" + f.getName(), new String(Files.readAllBytes(f.toPath()), StandardCharsets.UTF_8));
                    }
                }
            }
        } else {
            try (JarFile jar = new JarFile(base)) {
                for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements(); ) {
                    JarEntry e = en.nextElement();
                    String n = e.getName();
                    boolean top = n.startsWith(BUILT_IN + "/") && n.indexOf('/', BUILT_IN.length() + 1) < 0;
                    boolean units = n.startsWith(BUILT_IN_UNITS + "/") && n.indexOf('/', BUILT_IN_UNITS.length() + 1) < 0;
                    if ((top || units) && n.endsWith(".csv")) {
                        try (InputStream in = jar.getInputStream(e)) {
                            files.put(n, decode(in));
                        }
                    }
                }
            }
        }
        if (files.isEmpty()) {
            throw new FileNotFoundException("The built-in price table (" + BUILT_IN + "/*.csv) is not in " + base);
        }
    }
}
