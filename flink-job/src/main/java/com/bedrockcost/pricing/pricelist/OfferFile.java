package com.bedrockcost.pricing.pricelist;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One AWS Price List offer file (bulk JSON, {@code formatVersion v1.0}) reduced to what pricing needs:
 * every on-demand price dimension with the attributes of its product. Read as a stream, product by
 * product, so that an offer file of tens of megabytes is never held as one tree.
 */
public final class OfferFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    public final String offerCode;
    public final String version;
    public final String publicationDate;
    /** Where it was read, for messages. */
    public final String origin;
    public final List<Dimension> dimensions;
    /** Products with no on-demand term (reserved or provisioned only): counted, not priced. */
    public final int productsWithoutOnDemand;

    OfferFile(String offerCode, String version, String publicationDate, String origin, List<Dimension> dimensions,
              int productsWithoutOnDemand) {
        this.offerCode = offerCode;
        this.version = version;
        this.publicationDate = publicationDate;
        this.origin = origin;
        this.dimensions = Collections.unmodifiableList(dimensions);
        this.productsWithoutOnDemand = productsWithoutOnDemand;
    }

    /** One on-demand price: a rate of one SKU, with the product's attributes. */
    public static final class Dimension {
        public final String sku;
        public final String productFamily;
        /** Product attributes (usagetype, regionCode, model, inferenceType, …). */
        public final Map<String, String> attributes;
        /** {@code <sku>.<offerTermCode>.<rateCode>}: the stable reference of this price. */
        public final String rateCode;
        public final String unit;
        public final String description;
        public final BigDecimal usd;
        /** The term's effectiveDate as written; may be null. */
        public final String effectiveDate;
        /** beginRange of a tiered rate ("0" for the usual single tier). */
        public final String beginRange;

        Dimension(String sku, String productFamily, Map<String, String> attributes, String rateCode, String unit,
                  String description, BigDecimal usd, String effectiveDate, String beginRange) {
            this.sku = sku;
            this.productFamily = productFamily;
            this.attributes = attributes;
            this.rateCode = rateCode;
            this.unit = unit;
            this.description = description;
            this.usd = usd;
            this.effectiveDate = effectiveDate;
            this.beginRange = beginRange;
        }

        public String attribute(String name) {
            String v = attributes.get(name);
            return v == null ? "" : v;
        }
    }

    /**
     * Reads an offer file. A file that is not JSON, is cut short, or lacks the offer's identity or its
     * products fails with a message naming {@code origin}: a partial file must never look like a
     * complete one with fewer prices.
     */
    public static OfferFile read(InputStream in, String origin) throws IOException {
        String offerCode = null;
        String version = null;
        String publicationDate = null;
        Map<String, JsonNode> products = null;
        Map<String, List<Dimension>> byTerm = new TreeMap<>();
        boolean sawTerms = false;
        try (JsonParser p = new JsonFactory(JSON).createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(origin + ": not an AWS Price List offer file (no JSON object)");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                p.nextToken();
                switch (field) {
                    case "offerCode":
                        offerCode = p.getValueAsString();
                        break;
                    case "version":
                        version = p.getValueAsString();
                        break;
                    case "publicationDate":
                        publicationDate = p.getValueAsString();
                        break;
                    case "products":
                        products = readProducts(p, origin);
                        break;
                    case "terms":
                        sawTerms = true;
                        readTerms(p, byTerm);
                        break;
                    default:
                        p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IOException(origin + ": unexpected content after the offer");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(origin + ": not valid JSON, or cut short (" + e.getOriginalMessage() + ")", e);
        }
        if (offerCode == null || version == null) {
            throw new IOException(origin + ": not an AWS Price List offer file (offerCode or version missing)");
        }
        if (products == null || !sawTerms) {
            throw new IOException(origin + ": offer " + offerCode + " " + version + " has no " + (products == null ? "products" : "terms"));
        }
        List<Dimension> dims = new ArrayList<>();
        int withoutOnDemand = 0;
        for (Map.Entry<String, JsonNode> e : new TreeMap<>(products).entrySet()) {
            List<Dimension> raw = byTerm.get(e.getKey());
            if (raw == null) {
                withoutOnDemand++;
                continue;
            }
            JsonNode product = e.getValue();
            Map<String, String> attrs = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = product.path("attributes").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> a = it.next();
                attrs.put(a.getKey(), a.getValue().asText());
            }
            String family = product.path("productFamily").asText("");
            for (Dimension d : raw) {
                dims.add(new Dimension(e.getKey(), family, Collections.unmodifiableMap(attrs), d.rateCode, d.unit,
                        d.description, d.usd, d.effectiveDate, d.beginRange));
            }
        }
        return new OfferFile(offerCode, version, publicationDate, origin, dims, withoutOnDemand);
    }

    private static Map<String, JsonNode> readProducts(JsonParser p, String origin) throws IOException {
        Map<String, JsonNode> products = new HashMap<>();
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException(origin + ": 'products' is not an object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String sku = p.getCurrentName();
            p.nextToken();
            products.put(sku, p.readValueAsTree());
        }
        return products;
    }

    /** terms.OnDemand.{sku}.{sku.term}.priceDimensions.{rate}; other term types (Reserved) are skipped. */
    private static void readTerms(JsonParser p, Map<String, List<Dimension>> byTerm) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String type = p.getCurrentName();
            p.nextToken();
            if (!type.equals("OnDemand")) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String sku = p.getCurrentName();
                p.nextToken();
                JsonNode terms = p.readValueAsTree();
                List<Dimension> list = byTerm.computeIfAbsent(sku, k -> new ArrayList<>());
                for (Iterator<JsonNode> it = terms.elements(); it.hasNext(); ) {
                    JsonNode term = it.next();
                    String effective = term.hasNonNull("effectiveDate") ? term.get("effectiveDate").asText() : null;
                    for (Iterator<Map.Entry<String, JsonNode>> ds = term.path("priceDimensions").fields(); ds.hasNext(); ) {
                        Map.Entry<String, JsonNode> de = ds.next();
                        JsonNode d = de.getValue();
                        JsonNode usd = d.path("pricePerUnit").path("USD");
                        BigDecimal price = null;
                        if (usd.isTextual() || usd.isNumber()) {
                            try {
                                price = new BigDecimal(usd.asText().trim());
                            } catch (NumberFormatException e) {
                                price = null; // classified as unusable below, with its rate code
                            }
                        }
                        list.add(new Dimension(sku, "", Map.of(), d.path("rateCode").asText(de.getKey()),
                                d.path("unit").asText(""), d.path("description").asText(""), price, effective,
                                d.path("beginRange").asText("0")));
                    }
                }
            }
        }
    }
}
