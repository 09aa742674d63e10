package com.bedrockcost.pricing;

import com.bedrockcost.model.StringMapTypeInfoFactory;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Map;

/**
 * One reading of the price location: every price file found, name → content (null for a file that
 * could not be read). The broadcast side of pricing; each reading replaces the previous one, so a
 * file missing from it has been deleted.
 */
public class PriceUpdate {
    /** Where the files were read, for log lines. */
    public String location;
    /** Processing time of the reading, epoch milliseconds. */
    public long readAt;

    @TypeInfo(StringMapTypeInfoFactory.class)
    public Map<String, String> files;

    public PriceUpdate() {}

    public PriceUpdate(String location, long readAt, Map<String, String> files) {
        this.location = location;
        this.readAt = readAt;
        this.files = files;
    }

    @Override
    public String toString() {
        return "PriceUpdate{" + location + " " + (files == null ? 0 : files.size()) + " files}";
    }
}
