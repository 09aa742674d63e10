package com.bedrockcost.cli;

import org.apache.flink.runtime.util.EnvironmentInformation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The versions of this build (from {@code version.properties}, written by Maven) and of what it runs on. */
public final class Version {
    private Version() {}

    /** A property of {@code version.properties}: {@code version}, {@code chartjs.version}. */
    public static String get(String key) {
        try (InputStream in = Version.class.getResourceAsStream("/com/bedrockcost/version.properties")) {
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

    /** What {@code --version} prints. */
    static String line() {
        return "bedrock-cost-stream " + get("version") + " (Apache Flink " + EnvironmentInformation.getVersion()
                + ", Java " + System.getProperty("java.version") + ")";
    }
}
