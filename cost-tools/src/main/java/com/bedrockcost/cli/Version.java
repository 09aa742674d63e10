package com.bedrockcost.cli;

import com.bedrockcost.config.BuildInfo;

import org.apache.flink.runtime.util.EnvironmentInformation;

/** What {@code --version} prints: this build's version and what it runs on. */
final class Version {
    private Version() {}

    static String line() {
        return "bedrock-cost-stream " + BuildInfo.get("version") + " (Apache Flink " + EnvironmentInformation.getVersion()
                + ", Java " + System.getProperty("java.version") + ")";
    }
}
