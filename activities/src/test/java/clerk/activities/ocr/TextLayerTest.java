package clerk.activities.ocr;

import static clerk.activities.sample.TextDistance.normalise;
import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.sample.FidelityPdfs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Born-digital pages that PDFBox's plain text stripper got wrong, made the way real writers make them
 * ({@link FidelityPdfs}), read through {@link DocumentOcr} with Tesseract out of reach: each must come
 * from its text layer, with the text a reader sees.
 */
class TextLayerTest {
  @TempDir Path dir;

  /** Tesseract cannot start with this tessdata: any page sent to OCR fails the test. */
  private DocumentOcr textOnly() {
    return new DocumentOcr(new OcrSettings("eng", 300, dir.resolve("no-tessdata"), false));
  }

  @Test
  void aFilledFormKeepsItsFieldValuesWithTheirLabels() throws IOException {
    FidelityPdfs.Made form = FidelityPdfs.filledForm(dir.resolve("form.pdf"));

    String text = readTextLayer(form.pdf());

    assertThat(text).contains("NOTICE OF SPECIAL MEETING", "Meeting No.:", "Place:");
    for (String[] field : FidelityPdfs.FORM_FIELDS) {
      assertThat(text).contains(field[0] + ": " + field[2]);
    }
    assertThat(normalise(text)).isEqualTo(normalise(form.text()));
  }

  @Test
  void anIndexPageWithDotLeadersIsReadFromItsTextLayer() throws IOException {
    FidelityPdfs.Made index = FidelityPdfs.dotLeaderIndex(dir.resolve("index.pdf"));

    String text = readTextLayer(index.pdf());

    assertThat(normalise(text)).isEqualTo(normalise(index.text()));
    assertThat(text).contains("Highways Maintenance Contract ....").containsPattern("\\.+ 15$");
  }

  @Test
  void letterSpacedTextFromAnOldWriterReadsAsWords() throws IOException {
    FidelityPdfs.Made spaced = FidelityPdfs.letterSpaced(dir.resolve("spaced.pdf"), 3);

    String text = readTextLayer(spaced.pdf());

    assertThat(normalise(text)).isEqualTo(normalise(spaced.text()));
    assertThat(Pattern.compile("(?i)highways").matcher(text).results().count()).isEqualTo(4);
  }

  @Test
  void twoColumnsWrittenRowByRowAreReadColumnByColumn() throws IOException {
    FidelityPdfs.Made columns = FidelityPdfs.twoColumnsRowByRow(dir.resolve("columns.pdf"), 12, 5);

    String text = readTextLayer(columns.pdf());

    assertThat(normalise(text)).isEqualTo(normalise(columns.text()));
  }

  private String readTextLayer(Path pdf) throws IOException {
    List<String> texts = new ArrayList<>();
    List<PageMethod> methods = new ArrayList<>();
    textOnly().ocr(pdf, 1, (n, text, method) -> {
      texts.add(text);
      methods.add(method);
    });
    assertThat(methods).containsExactly(PageMethod.TEXT_LAYER);
    return texts.get(0);
  }
}
