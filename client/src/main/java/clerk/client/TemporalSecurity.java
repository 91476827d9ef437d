package clerk.client;

import java.nio.file.Path;

/**
 * How the worker and the CLI authenticate to a configured Temporal frontend ({@code TEMPORAL_ADDRESS}):
 * TLS, with a client certificate for mTLS and a CA of its own, and an API key (Temporal Cloud). The
 * embedded server has none of this: it speaks plain gRPC on 127.0.0.1.
 *
 * @param tls TLS with the JDK's trusted CAs even without a certificate, CA or key of ours
 * @param cert client certificate chain (PEM), with {@code key}
 * @param key the client certificate's private key (PKCS#8 PEM)
 * @param ca CA certificates (PEM) to trust instead of the JDK's
 * @param apiKey sent as {@code Authorization: Bearer …} on every call
 */
public record TemporalSecurity(boolean tls, Path cert, Path key, Path ca, String apiKey) {
  public static final TemporalSecurity NONE = new TemporalSecurity(false, null, null, null, null);

  public TemporalSecurity {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together: the client"
          + " certificate (PEM) and its private key (PKCS#8 PEM)");
    }
  }

  /** Whether the connection is TLS: asked for, or implied by a certificate, a CA or an API key. */
  public boolean usesTls() {
    return tls || cert != null || ca != null || apiKey != null;
  }

  /** Never the API key: settings end up in logs and error messages. */
  @Override
  public String toString() {
    return "TemporalSecurity[tls=" + usesTls() + ", cert=" + cert + ", ca=" + ca
        + ", apiKey=" + (apiKey == null ? "none" : "set") + "]";
  }
}
