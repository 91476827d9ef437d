package clerk.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;

/**
 * Asks for documents without images, renders them {@link #AT_ONCE} at a time (a sliding window, so the
 * slowest never idles the others), sleeps {@link #IDLE} when there are none, and continues as new every
 * {@link #ROUNDS} rounds to keep its history short. A document whose rendering fails is the activity's
 * to record; the workflow goes on.
 */
public class PageImagesWorkflowImpl implements PageImagesWorkflow {
  static final int AT_ONCE = 4;
  static final int BATCH = 50;
  static final int ROUNDS = 20;
  static final Duration IDLE = Duration.ofMinutes(5);

  private static final Logger log = Workflow.getLogger(PageImagesWorkflowImpl.class);

  static final ActivityOptions RENDER = ActivityOptions.newBuilder()
      .setTaskQueue(TaskQueues.OCR)
      .setStartToCloseTimeout(Duration.ofHours(1))
      .setHeartbeatTimeout(Duration.ofSeconds(30)) // a heartbeat per page, and from a thread between
      .setRetryOptions(PipelineActivities.documentRetries(3))
      .build();

  private final PageImageActivities listing =
      Workflow.newActivityStub(PageImageActivities.class, PipelineActivities.SITE);
  private final PageImageActivities rendering = Workflow.newActivityStub(PageImageActivities.class, RENDER);

  @Override
  public void run() {
    for (int round = 0; round < ROUNDS; round++) {
      List<DocumentRef> todo = listing.documentsWithoutImages(BATCH);
      if (todo.isEmpty()) {
        Workflow.sleep(IDLE);
        continue;
      }
      renderAll(todo);
    }
    Workflow.continueAsNew();
  }

  private void renderAll(List<DocumentRef> todo) {
    Deque<DocumentRef> waiting = new ArrayDeque<>(todo);
    List<Promise<Integer>> running = new ArrayList<>();
    while (!waiting.isEmpty() || !running.isEmpty()) {
      while (running.size() < AT_ONCE && !waiting.isEmpty()) {
        DocumentRef d = waiting.poll();
        running.add(Async.function(rendering::renderPageImages, d).exceptionally(e -> {
          // Retries spent (a worker lost each time, say): the document is listed again next round.
          log.warn("page images of {}: {}", d.id(),
              e instanceof ActivityFailure failure ? PipelineActivities.reason(failure) : e.getMessage());
          return 0;
        }));
      }
      Promise.anyOf(running).get();
      running.removeIf(Promise::isCompleted);
    }
  }
}
