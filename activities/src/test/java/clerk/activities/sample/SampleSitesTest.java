package clerk.activities.sample;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.workflows.DocumentRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample sites as written on disk; OCR of them is covered by DocumentOcrTest's styles. */
class SampleSitesTest {
  @TempDir static Path demoStorage;
  @TempDir Path storage;

  private static List<SampleDocument> demo;

  @BeforeAll
  static void writeDemoSites() throws IOException {
    demo = SampleSites.generate(demoStorage);
  }

  @Test
  void demoSitesHaveTheDeclaredDocumentsAndPages() {
    List<SampleDocument> documents = demo;

    assertThat(documents).hasSize(12);
    assertThat(documents).filteredOn(SampleDocument::corrupt).hasSize(1);
    assertThat(documents.stream().mapToInt(SampleDocument::pages).sum()).isEqualTo(19);
    assertThat(documents.stream().mapToInt(SampleDocument::scannedPages).sum()).isEqualTo(7);
    assertThat(documents)
        .extracting(SampleDocument::subdomain)
        .containsOnly("alameda.ca.us", "springfield.il.us");
    assertThat(documents)
        .extracting(d -> d.ref().id())
        .contains(
            "minutes/CityCouncil/2024-01-16",
            "agendas/CityCouncil/2024-01-16",
            "minutes/PlanningCommission/2024-01-22",
            "agendas/PlanningCommission/2024-01-22",
            "minutes/CityCouncil/2024-02-06");
  }

  @Test
  void filesLandInTheStorageLayout() throws IOException {
    List<SampleDocument> documents = demo;

    for (SampleDocument document : documents) {
      String root = document.kind().equals(DocumentRef.AGENDAS) ? "_agendas/pdfs" : "pdfs";
      Path expected =
          demoStorage
              .resolve(document.subdomain())
              .resolve(root)
              .resolve(document.meeting())
              .resolve(document.date() + ".pdf");
      assertThat(document.file()).isEqualTo(expected).isRegularFile();
      assertThat(document.date()).matches("\\d{4}-\\d{2}-\\d{2}");
    }
    try (Stream<Path> files = Files.walk(demoStorage)) {
      assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(documents.size());
    }
  }

  @Test
  void pdfsHaveTheDeclaredPagesAndTextLayers() throws IOException {
    for (SampleDocument document : demo) {
      if (document.corrupt()) {
        assertThat(document.pageTexts()).isEmpty();
        continue;
      }
      try (PDDocument pdf = Loader.loadPDF(document.file().toFile())) {
        assertThat(pdf.getNumberOfPages()).as(document.ref().toString()).isEqualTo(document.pages());
        int imageOnly = 0;
        for (int page = 1; page <= document.pages(); page++) {
          String layer = textOf(pdf, page);
          if (layer.isBlank()) {
            imageOnly++;
          } else {
            assertThat(normalise(layer)).isEqualTo(normalise(document.pageTexts().get(page - 1)));
          }
        }
        assertThat(imageOnly).as(document.ref().toString()).isEqualTo(document.scannedPages());
      }
    }
  }

  @Test
  void minutesRecordMotionsAndRollCallVotes() {
    String minutes =
        demo.stream()
            .filter(d -> d.subdomain().equals("alameda.ca.us"))
            .filter(d -> d.ref().id().equals("minutes/CityCouncil/2024-01-16"))
            .findFirst()
            .orElseThrow()
            .pageTexts()
            .stream()
            .map(SampleSitesTest::normalise)
            .reduce("", String::concat);
    assertThat(minutes)
        .contains("CALL TO ORDER")
        .contains("to approve the Consent Calendar. Motion carried by the following vote:")
        .contains(
            "AYES: Councilmembers Daysog, Herrera Spencer, Jensen, Vella and Mayor Ashcraft (5).")
        .contains("ADJOURNMENT");
  }

  @Test
  void generationIsDeterministicAndEachSiteIndependentOfLaterOnes() throws IOException {
    List<SampleDocument> three =
        SampleSites.generate(
            storage, List.of("alameda.ca.us", "springfield.il.us", "lakeview.mi.us"));

    assertThat(three.subList(0, demo.size()))
        .extracting(SampleDocument::pageTexts)
        .isEqualTo(demo.stream().map(SampleDocument::pageTexts).toList());
    assertThat(three).hasSize(17);
    assertThat(three.stream().mapToInt(SampleDocument::scannedPages).sum()).isEqualTo(10);
  }

  private static String textOf(PDDocument pdf, int page) throws IOException {
    PDFTextStripper stripper = new PDFTextStripper();
    stripper.setStartPage(page);
    stripper.setEndPage(page);
    return stripper.getText(pdf);
  }

  private static String normalise(String text) {
    return text.replaceAll("\\s+", " ").trim();
  }
}
