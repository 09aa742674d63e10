package com.bedrockcost.lake;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** Hive-style {@code year=YYYY/month=MM/day=DD} partitions from a timestamp of the record, in UTC. */
public final class DatePartitioner<T> implements BucketAssigner<T, String> {
    private static final long serialVersionUID = 1L;

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

    @Override
    public String getBucketId(T element, Context context) {
        return partition(timeOf.of(element));
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
