package com.bedrockcost.pricing.pricelist;

import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.model.Invocation;
import com.bedrockcost.pricing.PriceBook;
import com.bedrockcost.pricing.PriceFeed;
import com.bedrockcost.pricing.PriceLocation;
import com.bedrockcost.pricing.Pricer;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live refresh in the job's price stream on a MiniCluster: the price watch source fetches the
 * AWS Price List from a real local HTTP server and merges it with the user's CSV folder; the user's
 * row wins for its key; a price AWS changes is in the stream after one poll.
 */
@Timeout(60)
class PriceListRefreshTest {
    @TempDir Path dir;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    private static BigDecimal cost(TableReading update, String scope, String at) {
        PriceBook.Outcome o = PriceBook.empty().apply(update.files);
        assertThat(o.rejected).isEmpty();
        Invocation i = new Invocation();
        i.model = "anthropic.claude-sonnet-4-6";
        i.region = "us-east-1";
        i.profileScope = scope;
        i.eventTime = Instant.parse(at);
        i.inputTokens = 1_000_000;
        assertThat(Pricer.price(i, o.book.table())).isTrue();
        return i.totalCost;
    }

    @Test
    void userRowsWinAndAChangedPriceArrivesWithinOnePoll() throws Exception {
        Path prices = Files.createDirectories(dir.resolve("prices"));
        // A negotiated price for geo calls: the user's key, so the Price List's geo row is left out.
        Files.write(prices.resolve("private.csv"), ("model_id,region,effective_from,input_per_mtok,output_per_mtok,profile_scope\n"
                + "anthropic.claude-sonnet-4-6,us-east-1,2026-01-01,2.5,12.5,geo\n").getBytes(StandardCharsets.UTF_8));
        try (OfferServer server = new OfferServer()) {
            server.serve(PriceListPollerTest.v1());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            PriceListFeed feed = new PriceListFeed(server.url(), Duration.ofMillis(300), Duration.ofSeconds(5));
            try (CloseableIterator<TableReading> it = PriceFeed.watch(PriceLocation.of(prices.toString()), Duration.ofMillis(100), feed)
                    .create(env).executeAndCollect()) {
                TableReading update = it.next();
                while (!update.files.containsKey("aws-price-list/anthropic.csv")) {
                    update = it.next(); // the folder may be read before the first fetch completes
                }
                assertThat(update.files).containsOnlyKeys("prices/private.csv", "aws-price-list/amazon.csv", "aws-price-list/anthropic.csv");
                assertThat(cost(update, "geo", "2026-11-20T00:00:00Z")).isEqualByComparingTo("2.5");
                assertThat(cost(update, "in-region", "2026-11-20T00:00:00Z")).isEqualByComparingTo("3.3");
                assertThat(cost(update, "global", "2026-11-20T00:00:00Z")).isEqualByComparingTo("3");

                server.serve(PriceListPollerTest.v2());
                update = it.next();
                assertThat(cost(update, "in-region", "2026-11-20T00:00:00Z")).isEqualByComparingTo("3");
                assertThat(cost(update, "in-region", "2026-11-01T00:00:00Z")).isEqualByComparingTo("3.3");
                assertThat(cost(update, "geo", "2026-11-20T00:00:00Z")).isEqualByComparingTo("2.5");
            }
        }
    }
}
