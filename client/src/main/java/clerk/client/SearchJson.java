package clerk.client;

import clerk.activities.search.PageSearch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON of a search result: the worker's {@code GET /v1/search} and {@code clerk search --json}. */
public final class SearchJson {
  private SearchJson() {}

  public static Map<String, Object> json(PageSearch.Result result, ClerkSettings settings) {
    PageSearch.Query q = result.query();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("query", q.text());
    out.put("site", q.site());
    out.put("kind", q.kind());
    out.put("from", q.from());
    out.put("to", q.to());
    out.put("page", q.page());
    out.put("pageSize", q.pageSize());
    out.put("total", result.total());
    out.put("totalIsExact", result.totalIsExact());
    out.put("more", result.more());
    out.put("rankedAmong", result.totalIsExact() ? "all matches" : "the " + PageSearch.COUNT_LIMIT + " newest matches");
    List<Map<String, Object>> hits = result.hits().stream().map(h -> {
      Map<String, Object> hit = new LinkedHashMap<>();
      hit.put("site", h.subdomain());
      hit.put("kind", h.kind());
      hit.put("meeting", h.meeting());
      hit.put("date", h.date());
      hit.put("page", h.page());
      hit.put("rank", h.rank());
      hit.put("snippet", h.snippet());
      hit.put("snippetHtml", h.snippetHtml());
      hit.put("id", h.id());
      String base = settings.siteUrl(h.subdomain());
      hit.put("url", base + "/meetings/" + h.kind() + "/" + h.id());
      hit.put("pageImage", base + h.pageImage());
      return hit;
    }).toList();
    out.put("hits", hits);
    return out;
  }
}
