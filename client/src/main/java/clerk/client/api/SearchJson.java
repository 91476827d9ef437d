package clerk.client.api;

import clerk.activities.search.PageSearch;
import clerk.client.ClerkSettings;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A page of search results: {@code GET /v1/search} and {@code clerk search --json}. */
public record SearchJson(
    String query,
    String site,
    String kind,
    String from,
    String to,
    int page,
    @JsonProperty("page_size") int pageSize,
    long total,
    @JsonProperty("total_is_exact") boolean totalIsExact,
    boolean more,
    @JsonProperty("ranked_among") String rankedAmong,
    List<Hit> hits) {

  /** A page found, with its links into its site's bundle. */
  public record Hit(
      String site,
      String kind,
      String meeting,
      String date,
      int page,
      double rank,
      List<PageSearch.Fragment> snippet,
      @JsonProperty("snippet_html") String snippetHtml,
      String id,
      String url,
      @JsonProperty("page_image") String pageImage) {}

  public static SearchJson of(PageSearch.Result result, ClerkSettings settings) {
    PageSearch.Query q = result.query();
    List<Hit> hits = result.hits().stream().map(h -> {
      String base = settings.siteUrl(h.subdomain());
      return new Hit(h.subdomain(), h.kind(), h.meeting(), h.date(), h.page(), h.rank(), h.snippet(),
          h.snippetHtml(), h.id(), base + "/meetings/" + h.kind() + "/" + h.id(), base + h.pageImage());
    }).toList();
    return new SearchJson(q.text(), q.site(), q.kind(), q.from(), q.to(), q.page(), q.pageSize(), result.total(),
        result.totalIsExact(), result.more(),
        result.totalIsExact() ? "all matches" : "the " + PageSearch.COUNT_LIMIT + " newest matches", hits);
  }
}
