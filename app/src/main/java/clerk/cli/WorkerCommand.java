package clerk.cli;

import clerk.worker.ClerkWorkerApplication;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the worker: the Temporal workers of the site pipelines and of OCR.",
      "Starts embedded PostgreSQL and Temporal when CLERK_DATABASE_URL and TEMPORAL_ADDRESS are unset."
    })
final class WorkerCommand implements Callable<Integer> {
  @Override
  public Integer call() throws InterruptedException {
    ClerkWorkerApplication.Running worker = ClerkWorkerApplication.start(ClerkCli.settings());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      stopped.countDown();
    }, "clerk-shutdown"));
    stopped.await();
    return 0;
  }
}
