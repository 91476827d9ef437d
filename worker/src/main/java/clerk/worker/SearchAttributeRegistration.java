package clerk.worker;

import clerk.client.ReconciliationSchedule;
import clerk.workflows.ClerkSearchAttributes;
import io.grpc.Status;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the pipelines' custom search attributes (ClerkSite, ClerkStage) at worker start-up, where
 * the server allows it (a self-hosted cluster or the embedded server; Temporal Cloud registers them in
 * its UI). Without them pipelines still run, just without the filters.
 */
final class SearchAttributeRegistration {
  private static final Logger log = LoggerFactory.getLogger(SearchAttributeRegistration.class);

  private SearchAttributeRegistration() {}

  static void register(WorkflowClient client) {
    String namespace = client.getOptions().getNamespace();
    OperatorServiceStubsOptions.Builder options = OperatorServiceStubsOptions.newBuilder()
        .setChannel(client.getWorkflowServiceStubs().getRawChannel());
    // The API key travels as call metadata, not with the channel.
    var metadata = client.getWorkflowServiceStubs().getOptions().getGrpcMetadataProviders();
    if (metadata != null) {
      options.setGrpcMetadataProviders(metadata);
    }
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(options.validateAndBuildWithDefaults());
    try {
      Map<String, IndexedValueType> missing = new HashMap<>(ClerkSearchAttributes.ALL);
      try {
        missing.keySet().removeAll(operator.blockingStub().listSearchAttributes(
            ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build()).getCustomAttributesMap().keySet());
      } catch (RuntimeException e) {
        if (ReconciliationSchedule.code(e) != Status.Code.UNIMPLEMENTED) {
          throw e;
        }
        // The Java test server cannot list them; adding is idempotent enough there.
      }
      if (!missing.isEmpty()) {
        operator.blockingStub().addSearchAttributes(AddSearchAttributesRequest.newBuilder()
            .setNamespace(namespace).putAllSearchAttributes(missing).build());
      }
      log.info("search attributes {} registered in namespace {}", ClerkSearchAttributes.ALL.keySet(), namespace);
    } catch (RuntimeException e) {
      Status.Code code = ReconciliationSchedule.code(e);
      if (code == Status.Code.ALREADY_EXISTS) {
        return;
      }
      log.warn("cannot register search attributes {} ({}): pipelines run without them; register them with"
          + " 'temporal operator search-attribute create --name ClerkSite --type Keyword' (and ClerkStage)",
          ClerkSearchAttributes.ALL.keySet(), e.getMessage());
    } finally {
      operator.shutdown();
    }
  }
}
