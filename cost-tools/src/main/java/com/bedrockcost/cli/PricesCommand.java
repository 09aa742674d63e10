package com.bedrockcost.cli;

import com.bedrockcost.config.ConfigException;
import com.bedrockcost.pricing.pricelist.ModelMapping;
import com.bedrockcost.pricing.pricelist.OfferSource;
import com.bedrockcost.pricing.pricelist.PriceListConverter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** {@code prices import}: AWS Price List offer files → price CSVs of contracts §1 and an import report. */
final class PricesCommand {
    static final String USAGE = String.join("\n",
            "Options of prices import:",
            "  --offer <file|folder|https url|s3 uri>  AWS Price List offer files (bulk JSON) of the Bedrock offer codes",
            "                                 (AmazonBedrock, AmazonBedrockFoundationModels, AmazonBedrockService) and",
            "                                 their version indexes; a folder is read recursively (*.json); the bulk",
            "                                 endpoint " + OfferSource.PUBLIC_ENDPOINT + " fetches every current offer",
            "  --out <folder>                 where the CSVs (one per provider) and " + PriceListConverter.REPORT + " go",
            "  --mapping <file.tsv>           product -> model id mapping (default: pricing/" + ModelMapping.FILE + ")",
            "  --timeout <duration>           most time one download may take (default 10m)",
            "");

    private PricesCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !args.get(0).equals("import")) {
            throw new ConfigException("Unknown prices command" + (args.isEmpty() ? "" : " '" + args.get(0) + "'") + " (use: prices import)");
        }
        Map<String, String> options = Options.parse(args.subList(1, args.size()), "offer", "out", "mapping", "timeout");
        String offer = options.get("offer");
        String outDir = options.get("out");
        if (offer == null || outDir == null) {
            throw new ConfigException("prices import needs --offer <file|folder|url> and --out <folder>");
        }
        Duration timeout = com.bedrockcost.config.JobConfig.defaults().with(com.bedrockcost.config.JobConfig.PRICING_AWS_OFFER_TIMEOUT,
                options.getOrDefault("timeout", com.bedrockcost.config.JobConfig.PRICING_AWS_OFFER_TIMEOUT.defaultValue()))
                .get(com.bedrockcost.config.JobConfig.PRICING_AWS_OFFER_TIMEOUT);
        try {
            ModelMapping mapping = options.containsKey("mapping") ? ModelMapping.read(Paths.get(options.get("mapping"))) : ModelMapping.builtIn();
            if (offer.startsWith("s3://")) {
                com.bedrockcost.localrun.LocalEnvironments.initFileSystems(com.bedrockcost.config.JobConfig.defaults());
            }
            OfferSource.Offers offers = new OfferSource(timeout).read(offer);
            if (offers.offers.isEmpty()) {
                err.println("bedrock-cost-stream: no offer file at " + offer + " (only version indexes)");
                return 1;
            }
            PriceListConverter.Conversion c = PriceListConverter.convert(offers.offers, offers.indexes, mapping);
            Path dir = Paths.get(outDir);
            Files.createDirectories(dir);
            for (Map.Entry<String, String> f : c.files.entrySet()) {
                write(dir.resolve(f.getKey()), f.getValue());
            }
            write(dir.resolve(PriceListConverter.REPORT), c.report);
            out.print(c.report);
            out.printf("%nWrote %d rows to %d files in %s, and %s (%d unmapped products, %d dimensions left out).%n",
                    c.rows, c.files.size(), dir.toAbsolutePath().normalize(), PriceListConverter.REPORT, c.unmappedProducts, c.leftOutDimensions);
            TreeSet<String> stale = new TreeSet<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.csv")) {
                for (Path p : ds) {
                    if (!c.files.containsKey(p.getFileName().toString())) {
                        stale.add(p.getFileName().toString());
                    }
                }
            }
            if (!stale.isEmpty()) {
                out.println("Not written by this import and left as they are (delete them if they came from an earlier import): " + stale);
            }
            out.println("Review the change (git diff) before you commit it or point pricing.path at it.");
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            err.println("bedrock-cost-stream: prices import failed: " + e.getMessage());
            return 1;
        }
    }

    /** Written under a temporary name and renamed, so that a price watcher never reads half a file. */
    private static void write(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(tmp, content.getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code --name value} pairs of a subcommand, restricted to known names. */
    static final class Options {
        private Options() {}

        static Map<String, String> parse(List<String> args, String... known) {
            Map<String, String> values = new java.util.LinkedHashMap<>();
            java.util.Set<String> names = java.util.Set.of(known);
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (!a.startsWith("--")) {
                    throw new ConfigException("Unexpected argument '" + a + "' (options are --name value)");
                }
                String name = a.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq > 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (!names.contains(name)) {
                    throw new ConfigException("Unknown option '--" + name + "' (known: --" + String.join(", --", known) + ")");
                }
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new ConfigException("Option '--" + name + "' needs a value");
                    }
                    value = args.get(++i);
                }
                values.put(name, value);
            }
            return values;
        }
    }
}
