package com.bedrockcost.csvtable;

import com.bedrockcost.model.StringMapTypeInfoFactory;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Map;

/**
 * One reading of a watched table's location (the price files, the budget files): every file found,
 * name → content (null for a file that could not be read). The broadcast side of pricing and of the
 * budget operator; each reading replaces the previous one, so a file missing from it has been deleted.
 * On the network only, never in state (the operators keep the accepted files as string maps).
 */
public class TableReading {
    /** Where the files were read, for log lines. */
    public String location;
    /** Processing time of the reading, epoch milliseconds. */
    public long readAt;

    @TypeInfo(StringMapTypeInfoFactory.class)
    public Map<String, String> files;

    public TableReading() {}

    public TableReading(String location, long readAt, Map<String, String> files) {
        this.location = location;
        this.readAt = readAt;
        this.files = files;
    }

    @Override
    public String toString() {
        return "TableReading{" + location + " " + (files == null ? 0 : files.size()) + " files}";
    }
}
