package clerk.worker;

import clerk.activities.search.PageSearch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/search?q=&site=&kind=&from=&to=&page=}: every site's published pages, ranked, with
 * snippets and links into each site's bundle ({@link PageSearch}). The dashboard's search box reads it.
 */
@RestController
public class SearchController {
  private final PageSearch search;
  private final ClerkSettings settings;

  public SearchController(PageSearch search, ClerkSettings settings) {
    this.search = search;
    this.settings = settings;
  }

  @GetMapping("/v1/search")
  public ResponseEntity<Map<String, Object>> search(@RequestParam(defaultValue = "") String q,
      @RequestParam(required = false) String site, @RequestParam(required = false) String kind,
      @RequestParam(required = false) String from, @RequestParam(required = false) String to,
      @RequestParam(defaultValue = "1") int page, @RequestParam(defaultValue = "" + PageSearch.PAGE_SIZE) int size) {
    PageSearch.Query query;
    try {
      query = new PageSearch.Query(q, site, kind, from, to, page, size);
    } catch (IllegalArgumentException e) { // InvalidNameException (a bad site) too
      return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }
    return ResponseEntity.ok(json(search.search(query), settings));
  }

  /** The JSON of a result, shared with {@code clerk search --json}. */
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
