package clerk.workflows;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import java.util.Map;

/**
 * Custom search attributes of the site pipelines, so the Temporal UI and any client can filter, e.g.
 * {@code ClerkStage = "ocr" AND ExecutionStatus = "Running"}. The worker registers them at start-up
 * where the server allows it; pipelines are started with them only when they are registered.
 */
public final class ClerkSearchAttributes {
  public static final SearchAttributeKey<String> SITE = SearchAttributeKey.forKeyword("ClerkSite");
  public static final SearchAttributeKey<String> STAGE = SearchAttributeKey.forKeyword("ClerkStage");

  /** What to register: name and type. */
  public static final Map<String, IndexedValueType> ALL = Map.of(
      SITE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      STAGE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);

  private ClerkSearchAttributes() {}
}
