package clerk.activities.db;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.TestDatabase;
import clerk.activities.TestDocuments;
import clerk.activities.ocr.PageWarning;
import clerk.workflows.DocumentRef;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A document's warnings are replaced page range by page range, never mixed with another's. */
class PageWarningsTest {
  static final String SITE = "alameda.ca.us";

  @Test
  void aRangeOfPagesReplacesItsOwnWarningsAndKeepsTheOthers() {
    DataSource db = TestDatabase.fresh();
    SiteRepository repository = new SiteRepository(db);
    repository.ensureSite(SITE, "");
    DocumentRef d = new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2024-01-16");
    DocumentRef other = new DocumentRef(SITE, DocumentRef.MINUTES, "CityCouncil", "2024-02-06");
    TestDocuments.register(repository, d, other);
    PageWarnings warnings = new PageWarnings(db);

    repository.transaction(c -> {
      PageWarnings.replace(c, d, 1, Integer.MAX_VALUE,
          List.of(new PageWarning(3, "blank"), new PageWarning(12, "blank")));
      PageWarnings.replace(c, other, 1, Integer.MAX_VALUE, List.of(new PageWarning(1, "blank")));
      // Pages 9-16 OCRed again, and page 12 read well this time; page 10 did not.
      PageWarnings.replace(c, d, 9, 16, List.of(new PageWarning(10, "blank")));
      return null;
    });

    assertThat(warnings.ofSite(SITE).warnings()).extracting(w -> w.documentId() + "#" + w.page())
        .containsExactly(d.id() + "#3", d.id() + "#10", other.id() + "#1");
    assertThat(warnings.ofSite(SITE).total()).isEqualTo(3);
  }
}
