package clerk.cli;

import clerk.activities.search.PageSearch;
import clerk.client.api.SearchJson;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "Searches every site's published minutes and agendas, best matches first.",
      "PostgreSQL full text, with a snippet and the page's link in its site's bundle. QUERY as in a web"
          + " search engine: \"a phrase\", or, -word."
    })
final class SearchCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "QUERY")
  String query;

  @Option(names = "--site", paramLabel = "SUBDOMAIN", description = "only this site")
  String site;

  @Option(names = "--kind", paramLabel = "KIND", description = "minutes or agendas")
  String kind;

  @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "meetings on or after")
  String from;

  @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "meetings on or before")
  String to;

  @Option(names = "--page", defaultValue = "1", description = "page of results, from 1 (${DEFAULT-VALUE})")
  int page;

  @Option(names = "--json", description = "machine-readable output (as GET /v1/search)")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PageSearch.Query q = new PageSearch.Query(query, site, kind, from, to, page, PageSearch.PAGE_SIZE);
    try (Services services = new Services(ClerkCli.settings())) {
      PageSearch.Result result = new PageSearch(services.repository().dataSource()).search(q);
      if (json) {
        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter()
            .writeValueAsString(SearchJson.of(result, services.settings())));
        return 0;
      }
      if (result.hits().isEmpty()) {
        System.out.println("no published page matches " + query);
        return 0;
      }
      int first = (q.page() - 1) * q.pageSize() + 1;
      System.out.printf("%s: %d–%d of %s%n", query, first, first + result.hits().size() - 1,
          result.totalIsExact() ? String.valueOf(result.total()) : "more than " + result.total());
      for (PageSearch.Hit h : result.hits()) {
        System.out.printf("%n%s  %s/%s/%s page %d%n", h.subdomain(), h.kind(), h.meeting(), h.date(), h.page());
        System.out.println("  " + plain(h.snippetHtml()));
        System.out.println("  " + services.settings().siteUrl(h.subdomain()) + "/meetings/" + h.kind() + "/" + h.id());
      }
      if (result.more()) {
        System.out.printf("%nmore: clerk search '%s' --page %d%n", query, q.page() + 1);
      }
      return 0;
    }
  }

  /** The snippet for a terminal: matches in brackets, HTML entities undone. */
  static String plain(String html) {
    return html.replace("<mark>", "[").replace("</mark>", "]").replace("&lt;", "<").replace("&gt;", ">")
        .replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
  }
}
