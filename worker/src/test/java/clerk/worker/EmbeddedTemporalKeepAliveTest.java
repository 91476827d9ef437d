package clerk.worker;

import clerk.client.ClerkSettings;
import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded Temporal server lets the SDK's client keep its connection alive: pings without calls,
 * as often as the client may send them (every 10 s at the most), never answered with GOAWAY
 * too_many_pings (a gRPC server's default allows one ping in 5 minutes, none without calls).
 */
class EmbeddedTemporalKeepAliveTest {
  @TempDir Path home;

  @Test
  void anIdleClientPingingAsOftenAsTheSdkAllowsKeepsItsConnection() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ClerkSettings settings = ClerkSettings.from(Map.of(
        "CLERK_HOME", home.toString(), "CLERK_EMBEDDED_TEMPORAL_PORT", String.valueOf(port)));
    // gRPC's Netty transport logs what it receives through java.util.logging.
    Logger grpc = Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty");
    List<String> logged = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(new SimpleFormatter().formatMessage(record));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    grpc.addHandler(capture);
    try (EmbeddedServices services = EmbeddedServices.start(settings, false, true)) {
      WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
          .setTarget(services.settings().temporalAddress())
          .setKeepAliveTime(Duration.ofSeconds(10)) // the SDK's floor; its default is 30 s
          .setKeepAlivePermitWithoutStream(true) // the SDK's default
          .build());
      try {
        stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
        // A server that refuses these pings strikes the first two and sends GOAWAY at the third (30 s).
        Thread.sleep(Duration.ofSeconds(36).toMillis());
        assertThat(logged).noneMatch(line -> line.contains("GOAWAY") || line.contains("too_many_pings"));
        stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      } finally {
        stubs.shutdownNow();
      }
    } finally {
      grpc.removeHandler(capture);
    }
  }
}
