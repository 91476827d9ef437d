package clerk.worker;

import clerk.client.EmbeddedDatabase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the supervisor does with a dead embedded service: start it again, or end the worker non-zero. */
class EmbeddedSupervisorTest {
  record Exited(int status, String why) {}

  final List<Exited> exits = new ArrayList<>();
  final EmbeddedSupervisor.Exit exit = (status, why) -> exits.add(new Exited(status, why));
  Instant now = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aStoppedEmbeddedTemporalServerEndsTheWorkerNonZeroOnce() throws Exception {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .build().start();
    EmbeddedSupervisor supervisor = new EmbeddedSupervisor(null, server, exit, () -> now);
    supervisor.check();
    assertThat(exits).as("running").isEmpty();

    server.shutdownNow();
    supervisor.check();
    supervisor.check();
    assertThat(exits).containsExactly(
        new Exited(EmbeddedSupervisor.EXIT_SERVICE_LOST, "the embedded Temporal server stopped"));
  }

  @Test
  void aDeadDatabaseIsStartedAgainAndTheWorkerGoesOn() {
    EmbeddedDatabase database = mock(EmbeddedDatabase.class);
    when(database.gone()).thenReturn(true, false);
    EmbeddedSupervisor supervisor = new EmbeddedSupervisor(database, null, exit, () -> now);

    supervisor.check();
    supervisor.check();

    verify(database, times(1)).restart();
    assertThat(exits).isEmpty();
  }

  @Test
  void aDatabaseThatCannotBeStartedAgainEndsTheWorkerAfterTryingForTwoMinutes() {
    EmbeddedDatabase database = mock(EmbeddedDatabase.class);
    when(database.gone()).thenReturn(true);
    doThrow(new IllegalStateException("port 54329 is taken")).when(database).restart();
    EmbeddedSupervisor supervisor = new EmbeddedSupervisor(database, null, exit, () -> now);

    supervisor.check();
    now = now.plus(Duration.ofMinutes(1));
    supervisor.check();
    assertThat(exits).as("still trying").isEmpty();

    now = now.plus(EmbeddedSupervisor.GIVE_UP_AFTER);
    supervisor.check();
    supervisor.check();
    verify(database, times(3)).restart();
    assertThat(exits).singleElement().satisfies(e -> {
      assertThat(e.status()).isEqualTo(EmbeddedSupervisor.EXIT_SERVICE_LOST);
      assertThat(e.why()).contains("cannot start").contains("port 54329 is taken");
    });
  }

  @Test
  void aClosedSupervisorLeavesServicesStoppedOnPurposeAlone() throws Exception {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .build().start();
    EmbeddedSupervisor supervisor = new EmbeddedSupervisor(null, server, exit, () -> now);
    supervisor.close();
    server.shutdownNow();
    supervisor.check();
    assertThat(exits).isEmpty();
  }
}
