package clerk.worker;

import clerk.client.ClerkSettings;
import clerk.activities.search.PageSearch;
import clerk.client.api.SearchJson;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/search?q=&site=&kind=&from=&to=&page=}: every site's published pages, ranked, with
 * snippets and links into each site's bundle ({@link SearchJson}). The dashboard's search box reads it.
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
  public ResponseEntity<?> search(@RequestParam(defaultValue = "") String q,
      @RequestParam(required = false) String site, @RequestParam(required = false) String kind,
      @RequestParam(required = false) String from, @RequestParam(required = false) String to,
      @RequestParam(defaultValue = "1") int page, @RequestParam(defaultValue = "" + PageSearch.PAGE_SIZE) int size) {
    PageSearch.Query query;
    try {
      query = new PageSearch.Query(q, site, kind, from, to, page, size);
    } catch (IllegalArgumentException e) { // InvalidNameException (a bad site) too
      return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }
    return ResponseEntity.ok(SearchJson.of(search.search(query), settings));
  }
}
