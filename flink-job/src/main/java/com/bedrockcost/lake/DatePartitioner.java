package com.bedrockcost.lake;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

import java.io.Serializable;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hive-style {@code year=YYYY/month=MM/day=DD} partitions from a timestamp of the record, in UTC: the
 * one place that knows the lake's partition paths (writing them, and finding a file's day in them).
 */
public final class DatePartitioner<T> implements BucketAssigner<T, String> {
    private static final long serialVersionUID = 1L;
    /** The partition columns, outermost first: strings, as the folder names spell them ({@code 2026}, {@code 03}, {@code 04}). */
    public static final List<String> COLUMNS = List.of("year", "month", "day");
    /** The layout of a table's files, for messages. */
    public static final String LAYOUT = "year=YYYY/month=MM/day=DD/*.parquet";
    private static final Pattern DAY_FOLDERS = Pattern.compile("year=(\\d{4})/month=(\\d{2})/day=(\\d{2})/");

    /** Picks the timestamp that partitions a record. */
    public interface TimeOf<T> extends Serializable {
        Instant of(T record);
    }

    private final TimeOf<T> timeOf;

    public DatePartitioner(TimeOf<T> timeOf) {
        this.timeOf = timeOf;
    }

    /** The partition path of an instant, e.g. {@code year=2026/month=03/day=04}. */
    public static String partition(Instant t) {
        LocalDate d = t.atOffset(ZoneOffset.UTC).toLocalDate();
        int m = d.getMonthValue();
        int day = d.getDayOfMonth();
        return "year=" + d.getYear() + "/month=" + (m < 10 ? "0" : "") + m + "/day=" + (day < 10 ? "0" : "") + day;
    }

    /**
     * The UTC day of the partition a file is in, from the {@code year=/month=/day=} folders of its path
     * (any path holding them, absolute or relative to the table, with {@code /} separators); null when
     * the path has no such folders (or they name no date).
     */
    public static LocalDate dayOf(String path) {
        Matcher m = DAY_FOLDERS.matcher(path);
        if (!m.find()) {
            return null;
        }
        try {
            return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        } catch (DateTimeException e) {
            return null;
        }
    }

    @Override
    public String getBucketId(T element, Context context) {
        return partition(timeOf.of(element));
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
