package clerk.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PageImagesWorkflowTest {
  private TestWorkflowEnvironment env;

  /** Documents to render in rounds; renders take a while and are counted; one fails for good. */
  static final class FakeImages implements PageImageActivities {
    final Deque<List<DocumentRef>> rounds = new ArrayDeque<>();
    final List<String> rendered = new ArrayList<>();
    final List<String> queues = new ArrayList<>();
    final AtomicInteger inFlight = new AtomicInteger();
    int mostInFlight;
    int listings;

    @Override
    public synchronized List<DocumentRef> documentsWithoutImages(int limit) {
      listings++;
      queues.add("list:" + io.temporal.activity.Activity.getExecutionContext().getInfo().getActivityTaskQueue());
      return rounds.isEmpty() ? List.of() : rounds.poll();
    }

    @Override
    public int renderPageImages(DocumentRef d) {
      synchronized (this) {
        mostInFlight = Math.max(mostInFlight, inFlight.incrementAndGet());
        queues.add("render:" + io.temporal.activity.Activity.getExecutionContext().getInfo().getActivityTaskQueue());
      }
      try {
        Thread.sleep(50);
        if (d.date().equals("2024-01-03")) {
          throw ApplicationFailure.newNonRetryableFailure("worker lost", "Test");
        }
        synchronized (this) {
          rendered.add(d.id());
        }
        return 2;
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  FakeImages images;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    images = new FakeImages();
    Worker pipeline = env.newWorker(TaskQueues.PIPELINE);
    pipeline.registerWorkflowImplementationTypes(PageImagesWorkflowImpl.class);
    pipeline.registerActivitiesImplementations(images);
    env.newWorker(TaskQueues.OCR).registerActivitiesImplementations(images);
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  static List<DocumentRef> documents(int from, int n) {
    List<DocumentRef> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      out.add(new DocumentRef("alameda.ca.us", "minutes", "CityCouncil", String.format("2024-01-%02d", i)));
    }
    return out;
  }

  @Test
  void rendersEveryListedDocumentOnTheOcrQueueAFewAtATimeAndWaitsWhenNoneAreLeft() {
    images.rounds.add(documents(1, 10));
    images.rounds.add(documents(11, 3));
    WorkflowClient client = env.getWorkflowClient();
    PageImagesWorkflow workflow = client.newWorkflowStub(PageImagesWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(PageImagesWorkflow.WORKFLOW_ID).setTaskQueue(TaskQueues.PIPELINE).build());
    WorkflowClient.start(workflow::run);

    env.sleep(Duration.ofMinutes(30)); // idle rounds: it looks again every 5 minutes

    assertThat(images.rendered).hasSize(12).doesNotContain("minutes/CityCouncil/2024-01-03");
    assertThat(images.mostInFlight).isBetween(2, PageImagesWorkflowImpl.AT_ONCE);
    assertThat(images.queues).allSatisfy(q -> assertThat(q).isIn("list:" + TaskQueues.PIPELINE,
        "render:" + TaskQueues.OCR));
    assertThat(images.listings).as("two rounds of work, then a look every 5 minutes").isBetween(6, 10);
  }
}
