package clerk.activities.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clerk.activities.TestDatabase;
import clerk.activities.db.SiteRepository;
import clerk.activities.deploy.CivicIds;
import java.io.StringReader;
import java.sql.Connection;
import java.time.LocalDate;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

class PageSearchTest {
  static DataSource db;
  static PageSearch search;

  /**
   * 1,200 one-page minutes of one site, one a day from 2020-01-01, every one about the budget; every
   * hundredth also about the bicycle lane, the last of those three times over; one agenda.
   */
  @BeforeAll
  static void aSiteWithManyPages() throws Exception {
    db = TestDatabase.fresh();
    new SiteRepository(db).ensureSite("alameda.ca.us", "Alameda, CA");
    new SiteRepository(db).ensureSite("oakland.ca.us", "Oakland, CA");
    StringBuilder documents = new StringBuilder();
    StringBuilder pages = new StringBuilder();
    for (int i = 0; i < 1200; i++) {
      String date = LocalDate.of(2020, 1, 1).plusDays(i).toString();
      String id = "minutes/CityCouncil/" + date;
      String text = "The council discussed the budget."
          + (i % 100 == 0 ? " Public comment on the bicycle lane." : "")
          + (i == 1100 ? " The bicycle lane, the bicycle lane, the bicycle lane again." : "");
      documents.append("alameda.ca.us\t").append(id).append("\tminutes\tCityCouncil\t").append(date)
          .append("\tcompleted\tcompleted\tcompleted\n");
      pages.append("alameda.ca.us\t").append(id).append("\tminutes\tCityCouncil\t").append(date).append("\t1\t")
          .append(text).append('\n');
    }
    // Not published (extraction pending): never found.
    documents.append("oakland.ca.us\tminutes/CityCouncil/2024-01-01\tminutes\tCityCouncil\t2024-01-01\tcompleted"
        + "\tcompleted\tpending\n");
    pages.append("oakland.ca.us\tminutes/CityCouncil/2024-01-01\tminutes\tCityCouncil\t2024-01-01\t1\t"
        + "Draft: the bicycle lane.\n");
    try (Connection c = db.getConnection()) {
      var copy = c.unwrap(PGConnection.class).getCopyAPI();
      copy.copyIn("COPY documents (subdomain, document_id, kind, meeting, date, ocr_status, compilation_status,"
          + " extraction_status) FROM STDIN", new StringReader(documents.toString()));
      copy.copyIn("COPY pages (subdomain, document_id, kind, meeting, date, page, text) FROM STDIN",
          new StringReader(pages.toString()));
      c.createStatement().execute("ANALYZE"); // as autovacuum does: the planner's statistics
    }
    search = new PageSearch(db);
  }

  @Test
  void aNarrowQueryIsRankedAmongAllItsMatchesWithSnippetsIdsAndImages() {
    PageSearch.Result r = search.search(PageSearch.Query.of("bicycle lane"));

    assertThat(r.total()).isEqualTo(12);
    assertThat(r.totalIsExact()).isTrue();
    assertThat(r.hits()).hasSize(12);
    PageSearch.Hit best = r.hits().get(0);
    assertThat(best.date()).as("the page that says it most").isEqualTo(LocalDate.of(2020, 1, 1).plusDays(1100).toString());
    assertThat(r.hits().get(1).date()).as("then newest first among equals").isEqualTo(
        LocalDate.of(2020, 1, 1).plusDays(1000).toString());
    assertThat(best.snippetHtml()).contains("<mark>bicycle</mark> <mark>lane</mark>");
    assertThat(best.id()).isEqualTo(CivicIds.rowId("minutes", "CityCouncil", best.date(), 1,
        "The council discussed the budget. Public comment on the bicycle lane. The bicycle lane, the bicycle lane,"
            + " the bicycle lane again."));
    assertThat(best.pageImage()).isEqualTo("/CityCouncil/" + best.date() + "/1.png");
    assertThat(r.hits()).extracting(PageSearch.Hit::subdomain).containsOnly("alameda.ca.us");
  }

  @Test
  void aBroadQueryIsRankedAmongItsNewestMatchesAndSaysSo() {
    PageSearch.Result r = search.search(new PageSearch.Query("budget", null, null, null, null, 1, 20));

    assertThat(r.total()).isEqualTo(PageSearch.COUNT_LIMIT);
    assertThat(r.totalIsExact()).isFalse();
    assertThat(r.more()).isTrue();
    assertThat(r.hits()).hasSize(20).allSatisfy(h -> assertThat(h.date())
        .as("among the 1,000 newest of 1,200 matches").isGreaterThanOrEqualTo(LocalDate.of(2020, 1, 1).plusDays(200).toString()));
  }

  @Test
  void filtersNarrowBySiteKindAndDatesAndPagesFollowOneAnother() {
    assertThat(search.search(new PageSearch.Query("bicycle", "oakland.ca.us", null, null, null, 1, 20)).total()).isZero();
    assertThat(search.search(new PageSearch.Query("bicycle", null, "agendas", null, null, 1, 20)).total()).isZero();
    assertThat(search.search(new PageSearch.Query("bicycle", null, null, "2022-01-01", "2022-12-31", 1, 20)).total())
        .isEqualTo(3); // days 800, 900, 1000 (day 1100 is 2023-01-05)
    PageSearch.Result first = search.search(new PageSearch.Query("bicycle", null, null, null, null, 1, 5));
    PageSearch.Result second = search.search(new PageSearch.Query("bicycle", null, null, null, null, 2, 5));
    assertThat(first.more()).isTrue();
    assertThat(second.hits()).hasSize(5).doesNotContainAnyElementsOf(first.hits());
    assertThatThrownBy(() -> new PageSearch.Query(" ", null, null, null, null, 1, 20))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void wordsOnFewPagesAreFoundThroughTheIndexWordsOnMostByThePlanner() throws Exception {
    try (Connection c = db.getConnection()) {
      assertThat(PageSearch.sparse(c, PageSearch.Query.of("bicycle lane"))).as("12 of 1,201 pages").isTrue();
      assertThat(PageSearch.sparse(c, PageSearch.Query.of("\"bicycle lane\""))).isTrue();
      assertThat(PageSearch.sparse(c, PageSearch.Query.of("budget"))).as("every page").isFalse();
      assertThat(PageSearch.sparse(c, PageSearch.Query.of("council budget"))).isFalse();
    }
  }

  @Test
  void aPhraseIsFoundThroughTheIndexAndLeavesTheConnectionsAsTheyWere() throws Exception {
    PageSearch.Result phrase = search.search(PageSearch.Query.of("\"bicycle lane\""));
    assertThat(phrase.total()).isEqualTo(12);
    assertThat(phrase.hits().get(0).date()).isEqualTo(LocalDate.of(2020, 1, 1).plusDays(1100).toString());
    assertThat(search.search(PageSearch.Query.of("\"lane bicycle\"")).total())
        .as("both words on 12 pages, never side by side in that order").isZero();

    // The planner settings for a phrase are the search's own (SET LOCAL): every pooled connection is back
    // to PostgreSQL's defaults, in autocommit.
    java.util.List<Connection> all = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        Connection c = db.getConnection();
        all.add(c);
        assertThat(c.getAutoCommit()).isTrue();
        try (var s = c.createStatement(); var r = s.executeQuery("SHOW enable_seqscan")) {
          r.next();
          assertThat(r.getString(1)).isEqualTo("on");
        }
      }
    } finally {
      for (Connection c : all) {
        c.close();
      }
    }
  }
}
