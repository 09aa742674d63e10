package com.bedrockcost.pricing.pricelist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reviewed mapping from what the AWS Price List calls a model to Bedrock's canonical model id
 * ({@code pricing/aws-price-list-models.tsv}). Tab-separated: {@code product|usage <TAB> key <TAB> model_id};
 * {@code product} keys match the product's {@code model} (or {@code servicename}) attribute,
 * {@code usage} keys the model part of an AmazonBedrock usage type ({@code USE1-NovaPro-input-tokens}
 * → {@code NovaPro}); both case-insensitively. A line {@code # version: <v>} names the mapping's
 * version. Nothing is guessed: a product the mapping does not name is reported, not priced.
 */
public final class ModelMapping {
    /** Name of the file in the repository's {@code pricing/} folder and on the classpath. */
    public static final String FILE = "aws-price-list-models.tsv";

    private final Map<String, String> byProduct;
    private final Map<String, String> byUsage;
    public final String version;

    private ModelMapping(Map<String, String> byProduct, Map<String, String> byUsage, String version) {
        this.byProduct = Collections.unmodifiableMap(byProduct);
        this.byUsage = Collections.unmodifiableMap(byUsage);
        this.version = version;
    }

    /** The mapping built into the job. */
    public static ModelMapping builtIn() throws IOException {
        try (InputStream in = ModelMapping.class.getResourceAsStream("/pricing/" + FILE)) {
            if (in == null) {
                throw new IOException("The built-in model mapping pricing/" + FILE + " is not on the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "pricing/" + FILE);
        }
    }

    public static ModelMapping read(Path file) throws IOException {
        return parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8), file.toString());
    }

    static ModelMapping parse(String content, String origin) throws IOException {
        Map<String, String> product = new TreeMap<>();
        Map<String, String> usage = new TreeMap<>();
        String version = "";
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.trim().isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String c = line.substring(1).trim();
                if (c.startsWith("version:")) {
                    version = c.substring("version:".length()).trim();
                }
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length < 3 || f[1].trim().isEmpty() || f[2].trim().isEmpty()) {
                throw new IOException(origin + ":" + (i + 1) + ": expected product|usage, key and model_id separated by tabs");
            }
            String kind = f[0].trim();
            String key = f[1].trim().toLowerCase(Locale.ROOT);
            String model = f[2].trim();
            if (kind.equals("kind")) {
                continue; // header
            }
            Map<String, String> target = kind.equals("product") ? product : kind.equals("usage") ? usage : null;
            if (target == null) {
                throw new IOException(origin + ":" + (i + 1) + ": unknown kind '" + kind + "' (product or usage)");
            }
            String before = target.put(key, model);
            if (before != null && !before.equals(model)) {
                throw new IOException(origin + ":" + (i + 1) + ": " + kind + " '" + f[1].trim() + "' maps to both " + before + " and " + model);
            }
        }
        return new ModelMapping(product, usage, version);
    }

    /** The canonical model id of the product that {@code d} prices; null when the mapping does not name it. */
    public String modelOf(OfferFile.Dimension d) {
        for (String attr : new String[] {"model", "servicename"}) {
            String v = d.attribute(attr).trim();
            if (!v.isEmpty()) {
                String m = byProduct.get(v.toLowerCase(Locale.ROOT));
                if (m != null) {
                    return m;
                }
            }
        }
        String token = Classification.usageToken(d.attribute("usagetype"));
        return token == null ? null : byUsage.get(token.toLowerCase(Locale.ROOT));
    }

    /** How the report names a product the mapping does not cover. */
    static String describe(OfferFile.Dimension d) {
        String name = d.attribute("model");
        if (name.isEmpty()) {
            name = d.attribute("servicename");
        }
        String token = Classification.usageToken(d.attribute("usagetype"));
        return "product '" + name + "'" + (token == null ? "" : ", usage token '" + token + "'");
    }
}
