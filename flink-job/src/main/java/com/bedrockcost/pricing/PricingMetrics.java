package com.bedrockcost.pricing;

import com.bedrockcost.config.ClusterConfig;
import org.apache.flink.metrics.MetricGroup;

/**
 * Where pricing metrics live. Managed Service for Apache Flink sends custom metrics to CloudWatch
 * only when they are registered under a group named {@code kinesisanalytics}; locally the group is
 * just one more element of the metric name.
 */
final class PricingMetrics {
    static final String GROUP = ClusterConfig.CLOUDWATCH_METRIC_GROUP;

    private PricingMetrics() {}

    static MetricGroup group(MetricGroup operator) {
        return operator.addGroup(GROUP);
    }
}
