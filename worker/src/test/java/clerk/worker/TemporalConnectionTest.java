package clerk.worker;

import clerk.client.ClerkSettings;
import clerk.client.TemporalConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.temporal.serviceclient.GrpcMetadataProvider;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Temporal connection options the worker and the CLI use are built from the settings. */
class TemporalConnectionTest {
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @Test
  void withoutSecuritySettingsTheConnectionIsPlainGrpc() {
    WorkflowServiceStubsOptions options = TemporalConnection.options(settings("TEMPORAL_ADDRESS", "temporal:7233"));
    assertThat(options.getTarget()).isEqualTo("temporal:7233");
    assertThat(options.getSslContext()).isNull();
    assertThat(options.getEnableHttps()).isFalse();
    assertThat(authorization(options)).isEmpty();
  }

  @Test
  void aClientCertificateAndACaMakeAnSslContextAndTheApiKeyIsSentAsBearer() throws Exception {
    ClerkSettings settings = settings("TEMPORAL_ADDRESS", "temporal.example:7233",
        "TEMPORAL_TLS_CERT", tls("client.pem"), "TEMPORAL_TLS_KEY", tls("client.key"),
        "TEMPORAL_TLS_CA", tls("ca.pem"), "TEMPORAL_API_KEY", "the-key");
    assertThat(settings.temporalSecurity().cert()).isEqualTo(Path.of(tls("client.pem")));
    assertThat(settings.temporalSecurity().ca()).isEqualTo(Path.of(tls("ca.pem")));

    WorkflowServiceStubsOptions options = TemporalConnection.options(settings);
    assertThat(options.getSslContext()).isNotNull();
    assertThat(options.getSslContext().isClient()).isTrue();
    assertThat(authorization(options)).containsExactly("Bearer the-key");
    assertThat(settings.toString()).doesNotContain("the-key");
  }

  @Test
  void anApiKeyAloneMeansTlsWithTheJdksCas() {
    WorkflowServiceStubsOptions options = TemporalConnection.options(settings(
        "TEMPORAL_ADDRESS", "ns.tmprl.cloud:7233", "TEMPORAL_API_KEY", "cloud-key"));
    assertThat(options.getEnableHttps()).isTrue();
    assertThat(options.getSslContext()).isNull();
    assertThat(authorization(options)).containsExactly("Bearer cloud-key");

    WorkflowServiceStubsOptions tlsOnly = TemporalConnection.options(settings(
        "TEMPORAL_ADDRESS", "temporal:7233", "TEMPORAL_TLS", "true"));
    assertThat(tlsOnly.getEnableHttps()).isTrue();
    assertThat(authorization(tlsOnly)).isEmpty();
  }

  @Test
  void incompleteOrMisplacedSecuritySettingsAreRefusedWithTheirNames() {
    assertThatThrownBy(() -> settings(
        "TEMPORAL_ADDRESS", "temporal:7233", "TEMPORAL_TLS_CERT", "/etc/clerk/client.pem"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TEMPORAL_TLS_KEY");
    assertThatThrownBy(() -> settings("TEMPORAL_API_KEY", "k"))
        .as("the embedded server has no TLS").isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TEMPORAL_ADDRESS");
    assertThatThrownBy(() -> settings("TEMPORAL_ADDRESS", "temporal:7233", "TEMPORAL_TLS", "maybe"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("TEMPORAL_TLS=maybe: expected true or false");
  }

  static ClerkSettings settings(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("CLERK_HOME", "/tmp/clerk-test-home");
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return ClerkSettings.from(env);
  }

  static List<String> authorization(WorkflowServiceStubsOptions options) {
    if (options.getGrpcMetadataProviders() == null) {
      return List.of();
    }
    return options.getGrpcMetadataProviders().stream().map(GrpcMetadataProvider::getMetadata)
        .filter(m -> m.containsKey(AUTHORIZATION)).map(m -> m.get(AUTHORIZATION)).toList();
  }

  /** A test certificate file (src/test/resources/tls, made by its make-certificates.sh). */
  static String tls(String name) throws URISyntaxException {
    return Path.of(TemporalConnectionTest.class.getResource("/tls/" + name).toURI()).toString();
  }
}
