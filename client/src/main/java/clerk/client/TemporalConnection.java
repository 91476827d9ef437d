package clerk.client;

import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.temporal.serviceclient.ServiceStubsOptions;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The Temporal SDK's own connection options for {@link TemporalSecurity}: an SSL context (client
 * certificate, trusted CAs) and the API key. One place for the worker (through the Spring starter's
 * options customizer, see WorkerConfiguration) and the CLI. The starter's
 * {@code spring.temporal.connection.mtls.*} properties are not used: they have no setting for a CA.
 */
public final class TemporalConnection {
  private TemporalConnection() {}

  /** Options for the frontend at {@code settings.temporalAddress()}, secured as the settings say. */
  public static WorkflowServiceStubsOptions options(ClerkSettings settings) {
    return secure(WorkflowServiceStubsOptions.newBuilder().setTarget(settings.temporalAddress()),
        settings.temporalSecurity()).build();
  }

  /** Adds TLS and the API key to {@code options}; leaves plain gRPC alone when there is no security. */
  public static <T extends ServiceStubsOptions.Builder<T>> T secure(T options, TemporalSecurity security) {
    if (security.cert() != null || security.ca() != null) {
      options.setSslContext(sslContext(security));
    } else if (security.usesTls()) {
      options.setEnableHttps(true); // TLS, the JDK's trusted CAs
    }
    if (security.apiKey() != null) {
      String apiKey = security.apiKey();
      options.addApiKey(() -> apiKey);
    }
    return options;
  }

  static SslContext sslContext(TemporalSecurity security) {
    if (security.cert() == null) {
      return build(SimpleSslContextBuilder.noKeyOrCertChain(), security);
    }
    // The builder reads the streams when it builds: they stay open until then.
    try (InputStream cert = Files.newInputStream(security.cert());
        InputStream key = Files.newInputStream(security.key())) {
      return build(SimpleSslContextBuilder.forPKCS8(cert, key), security);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY: " + e.getMessage(), e);
    }
  }

  private static SslContext build(SimpleSslContextBuilder builder, TemporalSecurity security) {
    if (security.ca() != null) {
      builder.setTrustManager(trusting(security.ca()));
    }
    try {
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the Temporal TLS files (TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY,"
          + " TEMPORAL_TLS_CA): " + e.getMessage(), e);
    }
  }

  /** A trust manager that trusts exactly the CA certificates in {@code pem}. */
  static TrustManager trusting(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      KeyStore cas = KeyStore.getInstance(KeyStore.getDefaultType());
      cas.load(null, null);
      int i = 0;
      for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        cas.setCertificateEntry("ca-" + i++, ca);
      }
      if (i == 0) {
        throw new IllegalArgumentException("TEMPORAL_TLS_CA=" + pem + ": no certificate in it");
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(cas);
      return factory.getTrustManagers()[0];
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read TEMPORAL_TLS_CA=" + pem, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("TEMPORAL_TLS_CA=" + pem + ": " + e.getMessage(), e);
    }
  }
}
