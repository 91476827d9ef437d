package clerk.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The embedded server forgets closed runs after the retention, and only them, as a real cluster does. */
class EmbeddedTemporalRetentionTest {
  static final String QUEUE = "retention";

  @WorkflowInterface
  public interface Job {
    @WorkflowMethod
    String run(String name);

    @SignalMethod
    void finish();
  }

  public static class JobImpl implements Job {
    private boolean finished;

    @Override
    public String run(String name) {
      if (name.startsWith("wait")) {
        Workflow.await(() -> finished);
      }
      if (name.startsWith("sleep")) {
        Workflow.sleep(Duration.ofMillis(500));
      }
      return "done " + name;
    }

    @Override
    public void finish() {
      finished = true;
    }
  }

  TestServicesStarter starter;
  Server server;
  WorkflowServiceStubs stubs;
  WorkflowClient client;
  WorkerFactory workers;

  @BeforeEach
  void setUp() throws Exception {
    starter = new TestServicesStarter(true, 0);
    var builder = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    GRPCServerHelper.registerServicesAndHealthChecks(starter.getServices(), builder);
    server = builder.build().start();
    stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget("127.0.0.1:" + server.getPort()).build());
    client = WorkflowClient.newInstance(stubs);
    workers = WorkerFactory.newInstance(client);
    workers.newWorker(QUEUE).registerWorkflowImplementationTypes(JobImpl.class);
    workers.start();
  }

  @AfterEach
  void tearDown() {
    workers.shutdownNow();
    stubs.shutdownNow();
    server.shutdownNow();
    starter.close();
  }

  @Test
  void closedRunsAreForgottenAfterTheRetentionAndOpenOnesGoOn() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(job("job-" + i).run("job-" + i)).isEqualTo("done job-" + i);
    }
    Job waiting = job("wait-1");
    WorkflowExecution open = WorkflowClient.start(waiting::run, "wait-1");
    EmbeddedTemporalRetention retention = EmbeddedTemporalRetention.create(starter, Duration.ofMinutes(10));
    Instant now = Instant.now();

    assertThat(retention.prune(now)).as("closed just now: kept").isZero();
    assertThat(status("job-0")).isEqualTo(Status.Code.OK);
    assertThat(retention.prune(now.plus(Duration.ofMinutes(11)))).isEqualTo(5);

    assertThat(retention.runs()).isEqualTo(1);
    assertThat(status("job-0")).isEqualTo(Status.Code.NOT_FOUND);
    // The open run is untouched: it takes its signal and completes.
    client.newWorkflowStub(Job.class, open.getWorkflowId()).finish();
    assertThat(WorkflowStub.fromTyped(waiting).getResult(String.class)).isEqualTo("done wait-1");
    // A forgotten workflow id can be used again.
    assertThat(job("job-0").run("job-0 again")).isEqualTo("done job-0 again");
    assertThat(retention.prune(now.plus(Duration.ofMinutes(30)))).isZero(); // just seen closed
    assertThat(retention.prune(now.plus(Duration.ofMinutes(45)))).isEqualTo(2);
    assertThat(retention.runs()).isZero();
  }

  @Test
  void theClocksLogOfTimeLocksNoLongerGrowsWithEveryTask() throws Exception {
    for (int i = 0; i < 20; i++) {
      job("before-" + i).run("before-" + i);
    }
    int grown = ((java.util.List<?>) field(field(starter.getWorkflowService(), "selfAdvancingTimer"), "lockEvents"))
        .size();
    assertThat(grown).as("this Temporal version's test server logs every time lock").isGreaterThan(40);

    EmbeddedTemporalRetention retention = EmbeddedTemporalRetention.create(starter, Duration.ofMinutes(10));
    for (int i = 0; i < 20; i++) {
      job("after-" + i).run("after-" + i);
    }
    // Timers still fire on real time, and locks taken before the change are released without complaint.
    assertThat(job("sleep").run("sleep")).isEqualTo("done sleep");
    assertThat(retention.timeLockLogSize()).isZero();
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    java.lang.reflect.Field f = owner.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(owner);
  }

  private Job job(String id) {
    return client.newWorkflowStub(Job.class,
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(id).build());
  }

  private Status.Code status(String workflowId) {
    try {
      stubs.blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
          .setNamespace("default").setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }
}
