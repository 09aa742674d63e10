package com.bedrockcost.cli;

import com.bedrockcost.model.Invocation;
import com.bedrockcost.pricing.PriceBook;
import com.bedrockcost.pricing.PriceTable;
import com.bedrockcost.pricing.Pricer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code prices import} end to end: offer-file fixtures written from the documented shape (all three
 * Bedrock offer codes, per-1K and per-1M units, old and new usage-type names, a version index and a
 * second version that cuts a price) → price CSVs → the pricing engine prices invocations to the digit.
 */
class PricesImportTest {
    static Path offers;
    @TempDir Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void fixtures() {
        // flink-job's test resources (PriceListPollerTest reads them too); in its test-jar they are no folder.
        offers = Paths.get(System.getProperty("project.root", ".."), "flink-job", "src", "test", "resources", "pricelist", "offers");
    }

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path importTo(String name) {
        Path target = dir.resolve(name);
        assertThat(run("prices", "import", "--offer", offers.toString(), "--out", target.toString()))
                .as("stdout %s stderr %s", out, err).isZero();
        return target;
    }

    static Map<String, String> csvFiles(Path folder) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".csv")).collect(Collectors.toList())) {
                files.put(folder.getFileName() + "/" + p.getFileName(), Files.readString(p));
            }
        }
        return files;
    }

    static Invocation inv(String model, String region, String scope, String at, long in, long out, long cacheRead,
                          long cacheWrite, long cacheWrite1h) {
        Invocation i = new Invocation();
        i.requestId = model + region + scope + at;
        i.model = model;
        i.region = region;
        i.profileScope = scope;
        i.eventTime = Instant.parse(at);
        i.inputTokens = in;
        i.outputTokens = out;
        i.cacheReadTokens = cacheRead;
        i.cacheWriteTokens = cacheWrite;
        i.cacheWrite1hTokens = cacheWrite1h;
        return i;
    }

    static BigDecimal cost(PriceTable table, Invocation i) {
        assertThat(Pricer.price(i, table)).as("priced: %s %s %s %s", i.model, i.region, i.profileScope, i.eventTime).isTrue();
        return i.totalCost;
    }

    @Test
    void importedTablePricesTheFixtureInvocationsToTheDigit() throws Exception {
        Path imported = importTo("imported");
        Map<String, String> files = csvFiles(imported);
        assertThat(files).containsOnlyKeys("imported/amazon.csv", "imported/anthropic.csv");
        PriceBook.Outcome outcome = PriceBook.empty().apply(files);
        assertThat(outcome.rejected).isEmpty();
        PriceTable t = outcome.book.table();

        String nova = "amazon.nova-micro-v1:0";
        // AmazonBedrock, per 1K tokens: 0.000035 / 0.00014 / 0.00000875 per 1K = 0.035 / 0.14 / 0.00875 per 1M.
        assertThat(cost(t, inv(nova, "us-east-1", "in-region", "2026-10-05T00:00:00Z", 1000, 2000, 4000, 0, 0)))
                .isEqualByComparingTo("0.000350");
        assertThat(cost(t, inv(nova, "us-east-1", "geo", "2026-10-05T00:00:00Z", 1000, 2000, 4000, 0, 0)))
                .isEqualByComparingTo("0.000350");
        assertThat(cost(t, inv(nova, "us-east-1", "global", "2026-10-05T00:00:00Z", 1000, 2000, 0, 0, 0)))
                .isEqualByComparingTo("0.0002835");
        assertThat(cost(t, inv("amazon.titan-text-express-v1", "ap-south-1", "in-region", "2026-10-05T00:00:00Z", 1000, 500, 0, 0, 0)))
                .isEqualByComparingTo("0.0009");

        String sonnet46 = "anthropic.claude-sonnet-4-6";
        // AmazonBedrockFoundationModels, per 1M ("Units" + description, and "1M tokens"); regional +10 % over global.
        assertThat(cost(t, inv(sonnet46, "us-east-1", "geo", "2026-11-01T00:00:00Z", 412, 187, 3072, 0, 0)))
                .isEqualByComparingTo("0.00545886");
        assertThat(cost(t, inv(sonnet46, "us-east-1", "global", "2026-11-01T00:00:00Z", 412, 187, 3072, 0, 0)))
                .isEqualByComparingTo("0.0049626");
        // The second version (in force from 2026-11-15 by the version index) cuts the regional input price to 3.00.
        assertThat(cost(t, inv(sonnet46, "us-east-1", "geo", "2026-11-20T00:00:00Z", 412, 187, 3072, 0, 0)))
                .isEqualByComparingTo("0.00533526");
        // 1-hour cache writes at their own rate; batch prices never price a standard call.
        Invocation withCache = inv(sonnet46, "us-east-1", "in-region", "2026-11-01T00:00:00Z", 100, 10, 0, 2000, 1000);
        assertThat(cost(t, withCache)).isEqualByComparingTo("0.01122");
        String source = withCache.priceSource;
        int line = Integer.parseInt(source.substring(source.lastIndexOf(':') + 1));
        String row = files.get("imported/anthropic.csv").split("\n")[line - 1];
        assertThat(row).contains("AmazonBedrockFoundationModels 20261001000000",
                "input=FM00000000S46RIN.JRTCKXETXF.2TG2D8R56U", "cache_write_1h=FM00000000S46RC1.JRTCKXETXF.2TG2D8R56U",
                "input=USE1-MP:USE1_InputTokenCount-Units");
        // Before the first version the file knows no price: unpriced, never 0.
        assertThat(Pricer.price(inv(sonnet46, "us-east-1", "geo", "2026-09-30T00:00:00Z", 1, 1, 0, 0, 0), t)).isFalse();

        String sonnet45 = "anthropic.claude-sonnet-4-5-20250929-v1:0";
        // New usage-type names; a long-context tier for prompts over 200,000 tokens (all tokens at its rates).
        assertThat(cost(t, inv(sonnet45, "us-west-2", "in-region", "2026-10-05T00:00:00Z", 1000, 100, 0, 0, 0)))
                .isEqualByComparingTo("0.00495");
        assertThat(cost(t, inv(sonnet45, "us-west-2", "geo", "2026-10-05T00:00:00Z", 250_000, 1000, 0, 0, 0)))
                .isEqualByComparingTo("1.67475");
        assertThat(cost(t, inv(sonnet45, "us-west-2", "global", "2026-10-05T00:00:00Z", 1000, 100, 0, 0, 0)))
                .isEqualByComparingTo("0.0045");

        // A model only in AmazonBedrockService.
        assertThat(cost(t, inv("anthropic.claude-opus-4-7", "ap-northeast-1", "geo", "2026-10-05T00:00:00Z", 100, 200, 300, 400, 0)))
                .isEqualByComparingTo("0.008965");

        String all = String.join("\n", files.values());
        assertThat(all).doesNotContain("Zeta", "Palmyra", "Rerank", "ProvisionedThroughput", "CacheWrite30m");
        assertThat(files.get("imported/anthropic.csv")).contains(",batch,");
        // Batch and latency-optimized prices price calls of their own tier only.
        Invocation optimized = inv(sonnet46, "us-east-1", "in-region", "2026-11-01T00:00:00Z", 1000, 100, 0, 0, 0);
        optimized.serviceTier = "latency-optimized";
        assertThat(com.bedrockcost.pricing.ChargePricer.price(optimized, outcome.book)).isTrue();
        assertThat(optimized.totalCost).isEqualByComparingTo("0.0061875"); // 1000×4.125 + 100×20.625
        Invocation batch = inv(sonnet46, "us-east-1", "in-region", "2026-11-01T00:00:00Z", 1000, 100, 0, 0, 0);
        batch.serviceTier = "batch";
        assertThat(com.bedrockcost.pricing.ChargePricer.price(batch, outcome.book)).isTrue();
        assertThat(batch.totalCost).isEqualByComparingTo("0.002475"); // 1000×1.65 + 100×8.25
    }

    private static String log(String requestId, String region, String modelId, String at, long in, long out, long cacheRead) {
        return "{\"schemaType\":\"ModelInvocationLog\",\"schemaVersion\":\"1.0\",\"timestamp\":\"" + at
                + "\",\"accountId\":\"111122223333\",\"identity\":{\"arn\":\"arn:aws:sts::111122223333:assumed-role/app/s\"},"
                + "\"region\":\"" + region + "\",\"requestId\":\"" + requestId + "\",\"operation\":\"Converse\",\"modelId\":\"" + modelId
                + "\",\"input\":{\"inputContentType\":\"application/json\",\"inputTokenCount\":" + in
                + ",\"cacheReadInputTokenCount\":" + cacheRead + "},"
                + "\"output\":{\"outputContentType\":\"application/json\",\"outputTokenCount\":" + out + "},"
                + "\"requestMetadata\":{\"tenantId\":\"t1\"}}";
    }

    @Test
    void aRunWithTheImportedFolderAsPricingPathPricesFixtureLogsToTheDigit() throws Exception {
        Path imported = importTo("imported");
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(logs.resolve("logs.jsonl"), String.join("\n",
                log("nova", "us-east-1", "amazon.nova-micro-v1:0", "2026-10-05T00:00:00Z", 1000, 2000, 4000),
                log("sonnet-before-cut", "us-east-1", "us.anthropic.claude-sonnet-4-6", "2026-11-01T00:00:00Z", 412, 187, 3072),
                log("sonnet-after-cut", "us-east-1", "us.anthropic.claude-sonnet-4-6", "2026-11-20T00:00:00Z", 412, 187, 3072),
                log("sonnet-global", "us-east-1", "global.anthropic.claude-sonnet-4-6", "2026-11-20T00:00:00Z", 412, 187, 3072),
                log("opus-jp", "ap-northeast-1", "jp.anthropic.claude-opus-4-7", "2026-10-05T00:00:00Z", 100, 200, 300),
                log("unmapped", "us-east-1", "zeta.zeta-9-v1:0", "2026-10-05T00:00:00Z", 100, 200, 0)) + "\n");
        Path lake = dir.resolve("lake");
        com.bedrockcost.LocalRunner.run(com.bedrockcost.config.JobConfig.defaults().with(Map.of(
                "input.path", logs.toString(), "pricing.path", imported.toString(), "output.path", lake.toString(),
                "output.tenant.hourly", "false", "checkpoint.interval", "500ms", "checkpoint.dir", dir.resolve("checkpoints").toString())));
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        try (com.bedrockcost.testutil.DuckLake duck = new com.bedrockcost.testutil.DuckLake(lake)) {
            for (Map<String, Object> r : duck.rows("SELECT request_id, total_cost, pricing_status, price_source FROM invocations")) {
                rows.put((String) r.get("request_id"), r);
            }
        }
        assertThat(rows).hasSize(6);
        Map<String, String> expected = Map.of("nova", "0.000350", "sonnet-before-cut", "0.00545886", "sonnet-after-cut", "0.00533526",
                "sonnet-global", "0.0049626", "opus-jp", "0.006215"); // 100×5.5 + 200×27.5 + 300×0.55 per million
        expected.forEach((id, usd) -> {
            assertThat(rows.get(id).get("pricing_status")).as(id).isEqualTo("PRICED");
            assertThat((BigDecimal) rows.get(id).get("total_cost")).as(id).isEqualByComparingTo(usd);
            assertThat((String) rows.get(id).get("price_source")).as(id).startsWith("imported/");
        });
        assertThat(rows.get("unmapped").get("pricing_status")).isEqualTo("UNPRICED");
        assertThat(rows.get("unmapped").get("total_cost")).isNull();
    }

    @Test
    void theReportListsWhatWasNotMappedOrClassifiedAndCountsWhatWasLeftOut() throws Exception {
        Path imported = importTo("imported");
        String report = Files.readString(imported.resolve("import-report.txt"));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(report);
        assertThat(report).contains(
                "Products the model mapping does not cover (not priced; add them to aws-price-list-models.tsv after review): 2\n"
                        + "  AmazonBedrock: product 'Zeta 9', usage token 'Zeta9' — usage types USE1-Zeta9-input-tokens USE1-Zeta9-output-tokens\n"
                        + "  AmazonBedrockFoundationModels: product 'Palmyra X9 (Amazon Bedrock Edition)' — usage types USE1-MP:USE1_InputTokenCount-Units\n",
                "Token dimensions that could not be classified (not priced): 2\n"
                        + "  AmazonBedrock AB0000000000ODD1.JRTCKXETXF.6YS6EN2CT7 (USE1-NovaMicro-input-tokens-priority): unit 'Requests' with description"
                        + " 'Nova Micro priority input tokens, per request' says neither per 1K nor per 1M tokens\n"
                        + "  AmazonBedrockFoundationModels FM00000000S46C30.JRTCKXETXF.2TG2D8R56U (USE1-MP:USE1_CacheWrite30mInputTokenCount-Units):"
                        + " a cache write with a time to live of 30m (only 5 minutes and 1 hour are known)\n",
                "  agents, flows, knowledge bases: 1\n",
                "  guardrails: 1\n",
                "  images: 1\n",
                "  model customization: 1\n",
                "  prompt cache storage: 2\n",
                "  provisioned throughput: 3\n",
                "  search units / rerank: 1\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("(2 unmapped products, 10 dimensions left out)");
    }

    @Test
    void importingTwiceGivesTheSameBytes() throws Exception {
        Path a = importTo("a");
        Path b = importTo("b");
        List<String> names;
        try (Stream<Path> s = Files.list(a)) {
            names = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        assertThat(names).containsExactly("amazon.csv", "anthropic.csv", "import-report.txt");
        for (String n : names) {
            assertThat(Files.readAllBytes(b.resolve(n))).as(n).isEqualTo(Files.readAllBytes(a.resolve(n)));
        }
    }

    @Test
    void importsTheCurrentOffersFromABulkEndpoint() throws Exception {
        try (com.bedrockcost.pricing.pricelist.OfferServer server = new com.bedrockcost.pricing.pricelist.OfferServer()) {
            server.serve(offers.resolve("v1/AmazonBedrock.json"), offers.resolve("v1/AmazonBedrockFoundationModels.json"),
                    offers.resolve("v1/AmazonBedrockService.json"));
            Path target = dir.resolve("fetched");
            assertThat(run("prices", "import", "--offer", server.url(), "--out", target.toString(), "--timeout", "5s")).as("%s", err).isZero();
            assertThat(Files.readString(target.resolve("anthropic.csv")))
                    .contains("anthropic.claude-opus-4-7,ap-northeast-1,2026-10-01,,5.5,27.5,0.55,6.875,,geo,11,,standard,");
            server.mode(com.bedrockcost.pricing.pricelist.OfferServer.Mode.TRUNCATE);
            assertThat(run("prices", "import", "--offer", server.url(), "--out", dir.resolve("cut").toString(), "--timeout", "5s")).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("AmazonBedrock/current/index.json", "cut short");
            assertThat(dir.resolve("cut")).doesNotExist();
        }
    }

    @Test
    void aTruncatedOfferFileFailsTheImportNamingItAndWritesNothing() throws Exception {
        Path broken = Files.createDirectories(dir.resolve("broken"));
        byte[] whole = Files.readAllBytes(offers.resolve("v1/AmazonBedrock.json"));
        Files.write(broken.resolve("AmazonBedrock.json"), java.util.Arrays.copyOf(whole, whole.length / 2));
        Path target = dir.resolve("out");
        assertThat(run("prices", "import", "--offer", broken.toString(), "--out", target.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("prices import failed", "AmazonBedrock.json", "cut short");
        assertThat(target).doesNotExist();
    }
}
