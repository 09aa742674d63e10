package com.bedrockcost.pricing;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static com.bedrockcost.pricing.PricingFunctionTest.files;
import static org.assertj.core.api.Assertions.assertThat;

/** Readings of a price folder with several files: what is taken, what is rejected, what stays. */
class PriceBookTest {
    static final String HEADER = PriceCsvTest.HEADER;
    static final String X = "m.x,*,2024-01-01,,1,1,,,,*,\n";
    static final String Y = "m.y,*,2024-01-01,,2,2,,,,*,\n";
    static final Instant T = Instant.parse("2026-11-15T00:00:00Z");

    static PriceBook book(Map<String, String> files) {
        PriceBook.Outcome o = PriceBook.empty().apply(files);
        assertThat(o.rejected).isEmpty();
        return o.book;
    }

    static String sourceOf(PriceBook b, String model) {
        PriceRow r = b.table().find(model, "us-east-1", "in-region", T, 0);
        return r == null ? null : r.source();
    }

    @Test
    void aRowMovedFromOneFileToAnotherInOneReadingIsAccepted() {
        PriceBook b = book(files("p/a.csv", HEADER + Y, "p/b.csv", HEADER + X));
        PriceBook.Outcome o = b.apply(files("p/a.csv", HEADER + Y + X, "p/b.csv", HEADER));
        assertThat(o.rejected).isEmpty();
        assertThat(o.changed).containsExactly("p/a.csv", "p/b.csv");
        assertThat(sourceOf(o.book, "m.x")).isEqualTo("p/a.csv:3");
    }

    @Test
    void aChangedFileThatContradictsAnUnchangedOneIsRejectedAndItsOldVersionStays() {
        PriceBook b = book(files("p/a.csv", HEADER + X, "p/b.csv", HEADER + Y));
        PriceBook.Outcome o = b.apply(files("p/a.csv", HEADER + X, "p/b.csv", HEADER + Y + "m.x,*,2026-01-01,,5,5,,,,*,\n"));
        assertThat(o.rejected).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo("p/b.csv");
            assertThat(e.getMessage()).contains("p/b.csv:3: overlaps p/a.csv:2 for model m.x");
        });
        assertThat(o.tableChanged()).isFalse();
        assertThat(o.book.files()).containsEntry("p/b.csv", HEADER + Y);
        assertThat(sourceOf(o.book, "m.x")).isEqualTo("p/a.csv:2");
        assertThat(sourceOf(o.book, "m.y")).isEqualTo("p/b.csv:2");
    }

    @Test
    void ofTwoNewFilesThatContradictEachOtherOnlyOneIsRejected() {
        PriceBook.Outcome o = PriceBook.empty().apply(files("p/a.csv", HEADER + X, "p/b.csv", HEADER + X + Y));
        assertThat(o.rejected).extracting(PriceFileException::file).containsExactly("p/b.csv");
        assertThat(o.added).containsExactly("p/a.csv");
        assertThat(sourceOf(o.book, "m.y")).isNull();
    }

    @Test
    void anUnreadableFileIsRejectedAndADeletedOneRemoved() {
        PriceBook b = book(files("p/a.csv", HEADER + X, "p/b.csv", HEADER + Y));
        Map<String, String> reading = new HashMap<>();
        reading.put("p/a.csv", null);
        PriceBook.Outcome o = b.apply(reading);
        assertThat(o.rejected).singleElement().satisfies(e -> assertThat(e.getMessage()).contains("p/a.csv", "could not be read"));
        assertThat(o.removed).containsExactly("p/b.csv");
        assertThat(sourceOf(o.book, "m.x")).isEqualTo("p/a.csv:2");
        assertThat(sourceOf(o.book, "m.y")).isNull();
    }

    @Test
    void theSameReadingTwiceChangesNothing() {
        Map<String, String> f = files("p/a.csv", HEADER + X);
        PriceBook b = book(f);
        PriceBook.Outcome o = b.apply(f);
        assertThat(o.tableChanged()).isFalse();
        assertThat(o.rejected).isEmpty();
        assertThat(o.emptyReading).isFalse();
    }

    @Test
    void aReadingWithNoUsableFileKeepsTheTable() {
        PriceBook b = book(files("p/a.csv", HEADER + X));
        PriceBook.Outcome empty = b.apply(files());
        assertThat(empty.emptyReading).isTrue();
        assertThat(empty.book).isSameAs(b);
        PriceBook.Outcome onlyBad = b.apply(files("p/new.csv", HEADER + "m.x,*,soon,,1,1,,,,*,\n"));
        assertThat(onlyBad.emptyReading).isTrue();
        assertThat(onlyBad.rejected).extracting(PriceFileException::file).containsExactly("p/new.csv");
        assertThat(sourceOf(onlyBad.book, "m.x")).isEqualTo("p/a.csv:2");
    }
}
