package com.bedrockcost.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Facts of this build, written by Maven into {@code version.properties}: the project's and Chart.js's versions. */
public final class BuildInfo {
    private BuildInfo() {}

    /** A property of {@code version.properties}: {@code version}, {@code chartjs.version}. */
    public static String get(String key) {
        try (InputStream in = BuildInfo.class.getResourceAsStream("/com/bedrockcost/version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the classpath (build with Maven)");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
