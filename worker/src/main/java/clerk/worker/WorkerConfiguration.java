package clerk.worker;

import clerk.client.TemporalConnection;
import clerk.client.ClerkSettings;
import clerk.client.RuntimeFile;
import clerk.activities.DocumentActivitiesImpl;
import clerk.activities.OcrActivitiesImpl;
import clerk.activities.PageImageActivitiesImpl;
import clerk.activities.SiteActivitiesImpl;
import clerk.activities.SiteInventory;
import clerk.activities.db.Database;
import clerk.activities.db.ReconciliationRuns;
import clerk.activities.db.SiteOverview;
import clerk.activities.db.SiteRepository;
import clerk.activities.reconcile.ReconciliationActivitiesImpl;
import clerk.activities.reconcile.SiteReconciler;
import clerk.workflows.Pipelines;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.spring.boot.TemporalOptionsCustomizer;
import clerk.activities.deploy.SiteBundleWriter;
import clerk.activities.extract.MotionExtractor;
import clerk.activities.ocr.DocumentOcr;
import clerk.activities.search.PageSearch;
import clerk.activities.storage.SiteStorage;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The activity beans the Temporal workers run (named in application.yml), and what they need. */
@Configuration(proxyBeanMethods = false)
public class WorkerConfiguration {
  private static final Logger log = LoggerFactory.getLogger(WorkerConfiguration.class);

  /** worker.json, written once the worker is ready, deleted when it stops. */
  @Bean(destroyMethod = "delete")
  RuntimeFile runtimeFile(ClerkSettings settings) {
    return new RuntimeFile(settings);
  }

  @Bean(destroyMethod = "close")
  HikariDataSource dataSource(ClerkSettings settings) {
    HikariDataSource ds = Database.connect(
        settings.databaseUrl(), settings.databaseUser(), settings.databasePassword(),
        settings.databasePoolSize());
    MigrateResult migrated = Database.migrate(ds);
    log.info("database schema at version {} ({} migrations applied now)",
        migrated.targetSchemaVersion == null ? "current" : migrated.targetSchemaVersion,
        migrated.migrationsExecuted);
    return ds;
  }

  @Bean
  SiteRepository siteRepository(HikariDataSource dataSource) {
    return new SiteRepository(dataSource);
  }

  @Bean
  SiteStorage siteStorage(ClerkSettings settings) {
    return new SiteStorage(settings.storageDir());
  }

  @Bean
  SiteInventory siteInventory(SiteStorage storage, SiteRepository repository) {
    return new SiteInventory(storage, repository);
  }

  @Bean
  SiteActivitiesImpl siteActivities(SiteInventory inventory, SiteRepository repository, SiteStorage storage,
      Pipelines pipelines) {
    return new SiteActivitiesImpl(inventory, repository, storage, pipelines);
  }

  @Bean
  OcrActivitiesImpl ocrActivities(SiteStorage storage, SiteRepository repository, MeterRegistry metrics,
      ClerkSettings settings) {
    return new OcrActivitiesImpl(storage, repository, new DocumentOcr(settings.ocr()), metrics);
  }

  /**
   * TLS and API key for a configured Temporal (TEMPORAL_TLS_*, TEMPORAL_API_KEY), as the CLI has them;
   * the embedded server is reached in memory (docs/performance.md: a third of the worker's Temporal
   * CPU was gRPC's HTTP/2 and protobuf between two halves of one JVM).
   */
  @Bean
  TemporalOptionsCustomizer<WorkflowServiceStubsOptions.Builder> temporalSecurity(ClerkSettings settings,
      ObjectProvider<EmbeddedServices> embedded) {
    return options -> {
      EmbeddedServices services = embedded.getIfAvailable();
      if (services != null && services.temporalInProcessName() != null) {
        return options.setTarget(null)
            .setChannel(InProcessChannelBuilder.forName(services.temporalInProcessName()).build());
      }
      return TemporalConnection.secure(options, settings.temporalSecurity());
    };
  }

  @Bean
  Pipelines pipelines(WorkflowClient client, ClerkSettings settings) {
    return new Pipelines(client, settings.taskQueue(), settings.siteOcrAtOnce());
  }

  @Bean
  ReconciliationActivitiesImpl reconciliationActivities(SiteStorage storage, SiteRepository repository,
      Pipelines pipelines, SiteBundleWriter bundles, ClerkSettings settings) {
    return new ReconciliationActivitiesImpl(repository,
        new SiteReconciler(storage, repository, settings.deployDir(), bundles), pipelines, settings.deployDir(),
        settings.reconcileRunTimeout());
  }

  @Bean
  ReconciliationRuns reconciliationRuns(HikariDataSource dataSource) {
    return new ReconciliationRuns(dataSource);
  }

  @Bean
  SiteOverview siteOverview(HikariDataSource dataSource) {
    return new SiteOverview(dataSource);
  }

  @Bean
  SiteBundleWriter siteBundleWriter(ClerkSettings settings) {
    return new SiteBundleWriter(settings.bundlePermissions());
  }

  @Bean
  DocumentActivitiesImpl documentActivities(
      SiteStorage storage, SiteRepository repository, SiteBundleWriter bundles, ClerkSettings settings) {
    return new DocumentActivitiesImpl(storage, repository, new MotionExtractor(), bundles, settings.deployDir());
  }

  @Bean
  PageImageActivitiesImpl pageImageActivities(SiteStorage storage, SiteRepository repository, ClerkSettings settings) {
    return new PageImageActivitiesImpl(storage, repository, settings.deployDir(), settings.bundlePermissions());
  }

  @Bean
  PageSearch pageSearch(HikariDataSource dataSource) {
    return new PageSearch(dataSource);
  }
}
