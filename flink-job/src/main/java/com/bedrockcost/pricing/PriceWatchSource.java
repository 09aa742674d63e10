package com.bedrockcost.pricing;

import com.bedrockcost.csvtable.TableReading;
import com.bedrockcost.pricing.pricelist.PriceListFeed;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.time.Duration;
import java.util.List;

/**
 * Reads the price location and emits a {@link TableReading} whenever what it finds changes (new,
 * changed or deleted files), checking every {@code interval}. With a zero interval it reads once and
 * finishes (bounded), so a bounded job can end. One reader does the work (a single split); run it
 * with parallelism 1.
 *
 * <p>Price updates are not event-time data. Until its first reading that finds files the reader holds
 * back the event time of the stream it is connected to (its watermark stays at the start of time):
 * invocations waiting for a first table are not overtaken by the watermark (they would be late for
 * event-time consumers). With that reading it marks its output idle, for good: the pricing operator's
 * event time is then the invocations' alone, and an idle invocation input leaves the whole operator
 * idle, its event time standing still, so that no hour of {@code tenant_hourly} closes early. It never
 * emits a watermark; the end-of-time watermark Flink emits when a source that reads once finishes is
 * not sent either (an output marked idle sends no watermark). Before, the reader emitted that
 * watermark itself after the first table, and it took over whenever the invocation input was idle
 * ({@code watermark.idle.timeout}).
 */
public final class PriceWatchSource implements Source<TableReading, PriceWatchSource.Split, Boolean>,
        ResultTypeQueryable<TableReading> {
    private static final long serialVersionUID = 1L;

    private final PriceLocation location;
    private final Duration interval;
    /** Null unless the live refresh from the AWS Price List is on. */
    private final PriceListFeed priceList;

    public PriceWatchSource(PriceLocation location, Duration interval) {
        this(location, interval, null);
    }

    /** Also merges the AWS Price List fetched by {@code priceList} (null: off) into every reading, see {@link PriceLayers}. */
    public PriceWatchSource(PriceLocation location, Duration interval, PriceListFeed priceList) {
        this.location = location;
        this.interval = interval;
        this.priceList = priceList;
    }

    public boolean isWatching() {
        return !interval.isZero() && !interval.isNegative();
    }

    @Override
    public Boundedness getBoundedness() {
        return isWatching() ? Boundedness.CONTINUOUS_UNBOUNDED : Boundedness.BOUNDED;
    }

    @Override
    public SplitEnumerator<Split, Boolean> createEnumerator(SplitEnumeratorContext<Split> ctx) {
        return new Enumerator(ctx, false);
    }

    @Override
    public SplitEnumerator<Split, Boolean> restoreEnumerator(SplitEnumeratorContext<Split> ctx, Boolean assigned) {
        return new Enumerator(ctx, assigned);
    }

    @Override
    public SimpleVersionedSerializer<Split> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Boolean> getEnumeratorCheckpointSerializer() {
        return new AssignedSerializer();
    }

    @Override
    public SourceReader<TableReading, Split> createReader(SourceReaderContext ctx) {
        return new PriceWatchReader(ctx, location, interval, priceList);
    }

    @Override
    public TypeInformation<TableReading> getProducedType() {
        return TypeInformation.of(TableReading.class);
    }

    /**
     * The one unit of work: watching the location. It carries no position (every reading is complete),
     * only the last good AWS Price List conversion, so that a restarted job keeps those prices while
     * its first fetch is under way or fails.
     */
    public static final class Split implements SourceSplit {
        static final String ID = "price-location";
        /** File name → CSV of the last good Price List fetch; null when there is none. */
        final Map<String, String> priceList;

        public Split() {
            this(null);
        }

        Split(Map<String, String> priceList) {
            this.priceList = priceList;
        }

        @Override
        public String splitId() {
            return ID;
        }
    }

    /** Gives the split to the first reader, once; other readers get nothing and finish. */
    static final class Enumerator implements SplitEnumerator<Split, Boolean> {
        private final SplitEnumeratorContext<Split> ctx;
        private boolean assigned;

        Enumerator(SplitEnumeratorContext<Split> ctx, boolean assigned) {
            this.ctx = ctx;
            this.assigned = assigned;
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {}

        @Override
        public void addSplitsBack(List<Split> splits, int subtaskId) {
            // The reader failed before the split was checkpointed: the restarted reader gets it again.
            assigned = false;
        }

        @Override
        public void addReader(int subtaskId) {
            if (!assigned) {
                ctx.assignSplit(new Split(), subtaskId);
                assigned = true;
            }
            ctx.signalNoMoreSplits(subtaskId);
        }

        @Override
        public Boolean snapshotState(long checkpointId) {
            return assigned;
        }

        @Override
        public void close() {}
    }

    static final class SplitSerializer implements SimpleVersionedSerializer<Split> {
        @Override
        public int getVersion() {
            return 2;
        }

        @Override
        public byte[] serialize(Split split) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            out.writeBoolean(split.priceList != null);
            if (split.priceList != null) {
                out.writeInt(split.priceList.size());
                for (Map.Entry<String, String> e : split.priceList.entrySet()) {
                    out.writeUTF(e.getKey());
                    byte[] content = e.getValue().getBytes(StandardCharsets.UTF_8);
                    out.writeInt(content.length);
                    out.write(content);
                }
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public Split deserialize(int version, byte[] serialized) throws IOException {
            if (version == 1) {
                return new Split(); // before the live refresh: nothing carried
            }
            if (version != 2) {
                throw new IOException("Unknown price split version " + version);
            }
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            if (!in.readBoolean()) {
                return new Split();
            }
            Map<String, String> files = new TreeMap<>();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                byte[] content = new byte[in.readInt()];
                in.readFully(content);
                files.put(name, new String(content, StandardCharsets.UTF_8));
            }
            return new Split(files);
        }
    }

    static final class AssignedSerializer implements SimpleVersionedSerializer<Boolean> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Boolean assigned) {
            return new byte[] {(byte) (assigned ? 1 : 0)};
        }

        @Override
        public Boolean deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1 || serialized.length != 1) {
                throw new IOException("Unknown price enumerator state version " + version);
            }
            return serialized[0] == 1;
        }
    }
}
