package clerk.worker;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.temporal.serviceclient.MetricsTag;
import io.temporal.worker.MetricsType;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What {@code /actuator/prometheus} makes of the Temporal SDK's meters. The SDK records every timer as
 * a percentile histogram (about 70 buckets a series): 1.9 MB a scrape on a worker that had run one
 * site. Here the latencies an operator reads get {@link #LATENCY_BUCKETS}, every other SDK timer only
 * its count, sum and max. Its tags {@code signal_name} and {@code query_type}, {@code "none"} except on
 * the client's signal and query requests, go from every {@code temporal_*} series (by key, so that every
 * series of a name keeps one set of label names, as Prometheus wants). clerk's counters, which go
 * through the SDK's metrics scope (so a replay never counts twice), lose the tags it fills with
 * {@code "none"}.
 */
@Configuration(proxyBeanMethods = false)
class WorkerMetrics {
  /** Under a tenth of a second is instant, ten minutes is a backlog: enough for a p95 by task queue. */
  static final List<Duration> LATENCY_BUCKETS = List.of(Duration.ofMillis(100), Duration.ofSeconds(1),
      Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(10));

  /** How long tasks wait for a worker (too few OCR slots, a stalled worker): the latencies with buckets. */
  static final Set<String> BUCKETED = Set.of(
      MetricsType.ACTIVITY_SCHEDULE_TO_START_LATENCY, MetricsType.WORKFLOW_TASK_SCHEDULE_TO_START_LATENCY);

  static final Set<String> DROPPED_TEMPORAL_TAGS = Set.of(MetricsTag.SIGNAL_NAME, MetricsTag.QUERY_TYPE);

  @Bean
  MeterFilter temporalLatencies() {
    DistributionStatisticConfig bucketed = DistributionStatisticConfig.builder()
        .percentilesHistogram(false)
        .serviceLevelObjectives(LATENCY_BUCKETS.stream().mapToDouble(d -> (double) d.toNanos()).toArray())
        .build();
    DistributionStatisticConfig plain = DistributionStatisticConfig.builder().percentilesHistogram(false).build();
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() != Meter.Type.TIMER || !id.getName().startsWith("temporal_")) {
          return config;
        }
        return (BUCKETED.contains(id.getName()) ? bucketed : plain).merge(config);
      }
    };
  }

  @Bean
  MeterFilter temporalWithoutSignalAndQueryTags() {
    return withoutTags("temporal_", t -> DROPPED_TEMPORAL_TAGS.contains(t.getKey()));
  }

  @Bean
  MeterFilter clerkWithoutFillerTags() {
    return withoutTags("clerk_", t -> t.getValue().equals(MetricsTag.DEFAULT_VALUE));
  }

  private static MeterFilter withoutTags(String namePrefix, Predicate<Tag> dropped) {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith(namePrefix) || id.getTags().stream().noneMatch(dropped)) {
          return id;
        }
        return id.replaceTags(id.getTags().stream().filter(dropped.negate()).toList());
      }
    };
  }
}
