package clerk.worker;

import clerk.client.TemporalConnection;
import clerk.client.ClerkSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A real Temporal server (Temporal's Java test server) behind mutual TLS that also wants an API key,
 * as a production cluster or Temporal Cloud does. The connection options built from TEMPORAL_TLS_* and
 * TEMPORAL_API_KEY get through, each piece is needed, and a whole worker connects with them.
 */
class TemporalTlsIntegrationTest {
  static final String API_KEY = "test-api-key";

  static TestServicesStarter temporal;
  static Server server;
  static String address;

  @TempDir Path home;

  @BeforeAll
  static void startServer() throws Exception {
    temporal = new TestServicesStarter(true, 0);
    ServerBuilder<?> builder = NettyServerBuilder
        .forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .sslContext(GrpcSslContexts.forServer(file("server.pem"), file("server.key"))
            .trustManager(file("ca.pem"))
            .clientAuth(ClientAuth.REQUIRE)
            .build())
        .intercept(new RequireApiKey());
    GRPCServerHelper.registerServicesAndHealthChecks(temporal.getServices(), builder);
    server = builder.build().start();
    address = "127.0.0.1:" + server.getPort();
  }

  @AfterAll
  static void stopServer() {
    server.shutdownNow();
    temporal.close();
  }

  @Test
  void theConnectionOptionsCarryTheClientCertificateTheCaAndTheApiKey() throws Exception {
    assertThat(systemInfo("TEMPORAL_TLS_CERT", tls("client.pem"), "TEMPORAL_TLS_KEY", tls("client.key"),
        "TEMPORAL_TLS_CA", tls("ca.pem"), "TEMPORAL_API_KEY", API_KEY)).isTrue();

    assertThatThrownBy(() -> systemInfo("TEMPORAL_TLS_CERT", tls("client.pem"), "TEMPORAL_TLS_KEY", tls("client.key"),
        "TEMPORAL_TLS_CA", tls("ca.pem")))
        .as("no API key").isInstanceOf(StatusRuntimeException.class).hasMessageContaining("UNAUTHENTICATED");
    assertThatThrownBy(() -> systemInfo("TEMPORAL_TLS_CA", tls("ca.pem"), "TEMPORAL_API_KEY", API_KEY))
        .as("no client certificate").isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("UNAVAILABLE");
    assertThatThrownBy(() -> systemInfo("TEMPORAL_TLS_CERT", tls("client.pem"), "TEMPORAL_TLS_KEY", tls("client.key"),
        "TEMPORAL_TLS_CA", tls("other-ca.pem"), "TEMPORAL_API_KEY", API_KEY))
        .as("a CA that did not sign the server's certificate").isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("UNAVAILABLE");
  }

  @Test
  void aWorkerConnectsThroughTheSpringStarterWithTheSameSettings() throws Exception {
    ClerkSettings settings = TestWorkers.embedded(home,
        "TEMPORAL_ADDRESS", address,
        "TEMPORAL_TLS_CERT", tls("client.pem"), "TEMPORAL_TLS_KEY", tls("client.key"),
        "TEMPORAL_TLS_CA", tls("ca.pem"), "TEMPORAL_API_KEY", API_KEY,
        "CLERK_RECONCILE_INTERVAL", "off");
    try (ClerkWorkerApplication.Running worker = ClerkWorkerApplication.start(settings)) {
      var health = worker.context().getBean("reconciliation", HealthIndicator.class).health();
      assertThat(health.getDetails().get("startup").toString())
          .as("the start-up reconciliation ran its workflow on the TLS server").startsWith("success");
      assertThat(worker.context().getBean("temporal", HealthIndicator.class).health().getStatus())
          .isEqualTo(org.springframework.boot.health.contributor.Status.UP);
    }
  }

  /** Asks the server for its system info with options built from these settings; true when it answers. */
  static boolean systemInfo(String... security) {
    String[] pairs = new String[security.length + 2];
    pairs[0] = "TEMPORAL_ADDRESS";
    pairs[1] = address;
    System.arraycopy(security, 0, pairs, 2, security.length);
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        TemporalConnection.options(TemporalConnectionTest.settings(pairs)));
    try {
      return stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance()) != null;
    } finally {
      stubs.shutdownNow();
    }
  }

  static String tls(String name) throws Exception {
    return TemporalConnectionTest.tls(name);
  }

  static File file(String name) throws Exception {
    return new File(tls(name));
  }

  /** What an API-key gateway does: no {@code Authorization: Bearer <key>}, no call. */
  static final class RequireApiKey implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION = TemporalConnectionTest.AUTHORIZATION;

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
        ServerCallHandler<Q, A> next) {
      if (!("Bearer " + API_KEY).equals(headers.get(AUTHORIZATION))) {
        call.close(Status.UNAUTHENTICATED.withDescription("API key required"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, headers);
    }
  }
}
