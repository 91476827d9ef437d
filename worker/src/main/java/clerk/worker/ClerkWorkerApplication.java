package clerk.worker;

import clerk.client.RuntimeFile;
import clerk.client.ClerkSettings;
import clerk.activities.ocr.DocumentOcr;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The worker: hosts the Temporal workers of the site pipeline (task queue {@code clerk-pipeline}) and
 * of OCR ({@code clerk-ocr}). Embedded PostgreSQL and Temporal are started first when no server is
 * configured, so the Temporal starter connects to a server that is already up, and stopped last, after
 * the workers have drained.
 */
@SpringBootApplication
public class ClerkWorkerApplication {

  /** A started worker; closing it stops the workers, then the embedded services. */
  public record Running(ConfigurableApplicationContext context, EmbeddedServices services)
      implements AutoCloseable {
    public ClerkSettings settings() {
      return services.settings();
    }

    @Override
    public void close() {
      // The workers stop polling and drain before the context closes the service stubs under them
      // (closed first, every poll in flight fails with a WARN and a stack trace).
      context.getBeanProvider(io.temporal.worker.WorkerFactory.class).ifAvailable(workers -> {
        workers.shutdown();
        workers.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
      });
      context.close();
      // The Temporal workers have drained: no OCR activity holds an engine any more.
      DocumentOcr.closeIdleEngines();
      services.close();
    }
  }

  public static void main(String[] args) {
    Running worker = start(ClerkSettings.fromEnvironment(), args);
    Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "clerk-shutdown"));
  }

  /** Starts the worker and returns once it is ready. */
  public static Running start(ClerkSettings configured, String... args) {
    WorkerLogging.start(configured);
    EmbeddedServices services = EmbeddedServices.start(configured, true, true);
    services.supervise();
    ClerkSettings settings = services.settings();
    try {
      SpringApplication app = new SpringApplication(ClerkWorkerApplication.class);
      app.setDefaultProperties(springProperties(settings));
      // Our own hook closes the context and then the embedded services, in that order.
      app.setRegisterShutdownHook(false);
      app.addInitializers(context -> context.getBeanFactory().registerSingleton("clerkSettings", settings));
      app.addInitializers(context -> context.getBeanFactory().registerSingleton("embeddedServices", services));
      ConfigurableApplicationContext context = app.run(args);
      try {
        // The Temporal workers run now; reconcile once before saying we are ready. An OCR-only worker
        // leaves that to the full worker, which runs the site pipelines and reconciliation.
        if (settings.ocrOnly()) {
          context.getBean(StartupReconciliation.class).skip("OCR-only worker (CLERK_WORKER_ROLE=ocr)");
        } else {
          SearchAttributeRegistration.register(context.getBean(io.temporal.client.WorkflowClient.class));
          context.getBean(StartupReconciliation.class).run();
          PageImagesStart.ensure(context.getBean(io.temporal.client.WorkflowClient.class), settings);
        }
        String http = context instanceof WebServerApplicationContext web
            ? "http://" + settings.httpAddress() + ":" + web.getWebServer().getPort() : null;
        context.getBean(RuntimeFile.class).write(http, services.databasePasswordFile());
      } catch (RuntimeException e) {
        context.close();
        throw e;
      }
      return new Running(context, services);
    } catch (RuntimeException e) {
      services.close();
      throw e;
    }
  }

  static Map<String, Object> springProperties(ClerkSettings s) {
    Map<String, Object> p = new HashMap<>(WorkerLogging.springProperties(s));
    p.put("spring.temporal.connection.target", s.temporalAddress());
    p.put("spring.temporal.namespace", s.namespace());
    p.put("server.address", s.httpAddress());
    p.put("server.port", s.httpPort());
    p.put("clerk.ocr-slots", s.ocrSlots());
    p.put("clerk.pipeline-slots", s.pipelineSlots());
    p.put("clerk.task-queue", s.taskQueue());
    // disk_free_bytes{path} where clerk writes, not in the working directory.
    p.put("management.metrics.system.diskspace.paths", s.storageDir() + "," + s.deployDir());
    if (s.ocrOnly()) {
      // application-ocr.yml: only the clerk-ocr Temporal worker.
      p.put("spring.profiles.active", "ocr");
    }
    return p;
  }
}
