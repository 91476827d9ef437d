package clerk.activities.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDTextField;
import org.apache.pdfbox.util.Matrix;

/**
 * Born-digital pages that naive text extraction gets wrong, each the way real writers make them,
 * with the text a reader sees: a filled-in form, an index with dot leaders, letter-spaced text from
 * an old PDF writer (one glyph per text-show), and two columns written row by row. Tests and
 * bench/ocr/fidelity make them at run time; no binary fixtures.
 */
public final class FidelityPdfs {
  private static final PDFont HELVETICA = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
  private static final PDFont TIMES = new PDType1Font(Standard14Fonts.FontName.TIMES_ROMAN);

  /** A generated page: where it is and what it says, in reading order. */
  public record Made(Path pdf, String text) {}

  private FidelityPdfs() {}

  /** The form's fields: label (the tooltip Acrobat shows), field name, value. */
  public static final List<String[]> FORM_FIELDS = List.of(
      new String[] {"Meeting number", "meeting_number", "2024-17"},
      new String[] {"Date", "meetingDate", "March 12, 2024"},
      new String[] {"Place", "place", "Council Chambers, 2263 Santa Clara Avenue"},
      new String[] {"Agenda items", "agenda", "1. Highways maintenance contract 2. Library hours"});

  /**
   * A notice of meeting made from a fillable template: the page's text is the blank template, the
   * meeting's number, date, place and items are the values of AcroForm text fields (with appearance
   * streams, as Acrobat leaves them).
   */
  public static Made filledForm(Path out) throws IOException {
    Files.createDirectories(out.toAbsolutePath().getParent());
    try (PDDocument document = new PDDocument()) {
      PDPage page = new PDPage(PDRectangle.LETTER);
      document.addPage(page);
      PDAcroForm form = new PDAcroForm(document);
      document.getDocumentCatalog().setAcroForm(form);
      PDResources resources = new PDResources();
      resources.put(COSName.getPDFName("Helv"), HELVETICA);
      form.setDefaultResources(resources);
      form.setDefaultAppearance("/Helv 10 Tf 0 g");
      List<String> template = List.of("CITY OF ALAMEDA", "NOTICE OF SPECIAL MEETING",
          "Meeting No.:", "Date:", "Place:", "Agenda:", "Posted at City Hall");
      try (PDPageContentStream content = new PDPageContentStream(document, page)) {
        content.beginText();
        content.setFont(HELVETICA, 12);
        content.newLineAtOffset(72, 720);
        content.showText(template.get(0));
        content.newLineAtOffset(0, -18);
        content.showText(template.get(1));
        content.endText();
        for (int i = 0; i < 4; i++) {
          text(content, HELVETICA, 11, 72, 660 - 30 * i, template.get(2 + i));
        }
        text(content, HELVETICA, 11, 96, 520, template.get(6));
      }
      List<String> values = new ArrayList<>();
      for (int i = 0; i < FORM_FIELDS.size(); i++) {
        String[] f = FORM_FIELDS.get(i);
        PDTextField field = new PDTextField(form);
        field.setPartialName(f[1]);
        field.setAlternateFieldName(f[0]);
        PDAnnotationWidget widget = field.getWidgets().get(0);
        widget.setRectangle(new PDRectangle(160, 655 - 30 * i, 380, 18));
        widget.setPage(page);
        widget.setPrinted(true);
        page.getAnnotations().add(widget);
        form.getFields().add(field);
        field.setValue(f[2]);
        values.add(f[0] + ": " + f[2]);
      }
      document.save(out.toFile());
      return new Made(out, String.join("\n", template.subList(0, 2)) + "\n"
          + String.join("\n", template.subList(2, 7)) + "\n" + String.join("\n", values));
    }
  }

  /** Index entries: title, page. */
  private static final List<String[]> INDEX = List.of(
      new String[] {"Call to Order and Roll Call", "1"}, new String[] {"Pledge of Allegiance", "1"},
      new String[] {"Approval of Minutes", "2"}, new String[] {"Consent Calendar", "3"},
      new String[] {"Highways Maintenance Contract", "5"}, new String[] {"Public Hearing: Zoning", "8"},
      new String[] {"Library Hours", "11"}, new String[] {"Council Communications", "12"},
      new String[] {"Closed Session", "14"}, new String[] {"Adjournment", "15"});

  /**
   * A contents page, "Highways Maintenance Contract ........ 5": more dots than letters, a
   * perfectly good text layer.
   */
  public static Made dotLeaderIndex(Path out) throws IOException {
    Files.createDirectories(out.toAbsolutePath().getParent());
    StringBuilder expected = new StringBuilder("INDEX OF AGENDA ITEMS");
    try (PDDocument document = new PDDocument()) {
      PDPage page = new PDPage(PDRectangle.LETTER);
      document.addPage(page);
      try (PDPageContentStream content = new PDPageContentStream(document, page)) {
        text(content, TIMES, 14, 72, 720, "INDEX OF AGENDA ITEMS");
        float y = 680;
        for (String[] entry : INDEX) {
          float size = 11;
          float numberWidth = TIMES.getStringWidth(entry[1]) / 1000 * size;
          float dotWidth = TIMES.getStringWidth(".") / 1000 * size;
          float titleWidth = TIMES.getStringWidth(entry[0] + " ") / 1000 * size;
          int dots = (int) ((540 - 72 - titleWidth - numberWidth - 4) / dotWidth);
          String line = entry[0] + " " + ".".repeat(dots);
          text(content, TIMES, size, 72, y, line);
          text(content, TIMES, size, 540 - numberWidth, y, entry[1]);
          expected.append('\n').append(line).append(' ').append(entry[1]);
          y -= 20;
        }
      }
      document.save(out.toFile());
    }
    return new Made(out, expected.toString());
  }

  /** Minutes with "highways" in every line, as the 1990s writer letter-spaced them. */
  public static final List<String> LETTER_SPACED_LINES = List.of(
      "MINUTES OF THE HIGHWAYS COMMITTEE",
      "The motion on highways resurfacing was rejected",
      "Councillor Byrne asked that highways funds be kept",
      "Report on county highways received and noted");

  /**
   * Letter-spaced text as old PDF writers emit it: every glyph its own text-show at its own position,
   * a fixed tracking between letters (with a little jitter from the writer's own metrics), a wider
   * gap between words, no space characters at all.
   */
  public static Made letterSpaced(Path out, long seed) throws IOException {
    Files.createDirectories(out.toAbsolutePath().getParent());
    Random random = new Random(seed);
    try (PDDocument document = new PDDocument()) {
      PDPage page = new PDPage(PDRectangle.LETTER);
      document.addPage(page);
      float size = 11;
      try (PDPageContentStream content = new PDPageContentStream(document, page)) {
        content.beginText();
        content.setFont(TIMES, size);
        float y = 720;
        for (String line : LETTER_SPACED_LINES) {
          float x = 72;
          for (char c : line.toCharArray()) {
            if (c == ' ') {
              x += 0.28f * size;
              continue;
            }
            content.setTextMatrix(Matrix.getTranslateInstance(x, y));
            content.showText(String.valueOf(c));
            float tracking = (0.22f + 0.06f * (random.nextFloat() - 0.5f)) * size;
            x += TIMES.getStringWidth(String.valueOf(c)) / 1000 * size + tracking;
          }
          y -= 20;
        }
        content.endText();
      }
      document.save(out.toFile());
    }
    return new Made(out, String.join("\n", LETTER_SPACED_LINES));
  }

  /**
   * A two-column page written row by row (left line, right line, next row), as report generators and
   * table-based layouts do: a full-width title, two columns of {@code rows} lines, a full-width
   * footer. A reader reads the title, the whole left column, the right column, then the footer.
   */
  public static Made twoColumnsRowByRow(Path out, int rows, long seed) throws IOException {
    Files.createDirectories(out.toAbsolutePath().getParent());
    Random random = new Random(seed);
    List<String> left = new ArrayList<>();
    List<String> right = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      left.add(sentence(random, "L" + (i + 1)));
      right.add(sentence(random, "R" + (i + 1)));
    }
    String title = "REGULAR MEETING OF THE CITY COUNCIL, MINUTES OF TUESDAY MARCH 12, 2024";
    String footer = "These minutes were approved by the City Council on April 2, 2024 as presented";
    try (PDDocument document = new PDDocument()) {
      PDPage page = new PDPage(PDRectangle.LETTER);
      document.addPage(page);
      try (PDPageContentStream content = new PDPageContentStream(document, page)) {
        text(content, HELVETICA, 11, 54, 740, title);
        float y = 710;
        for (int i = 0; i < rows; i++) {
          text(content, TIMES, 10, 54, y, left.get(i));
          text(content, TIMES, 10, 318, y, right.get(i));
          y -= 13;
        }
        text(content, HELVETICA, 9, 54, y - 20, footer);
      }
      document.save(out.toFile());
    }
    return new Made(out, title + "\n" + String.join("\n", left) + "\n" + String.join("\n", right) + "\n" + footer);
  }

  private static final String[] WORDS = ("council motion seconded approved carried vote mayor member"
      + " resolution ordinance hearing agenda consent minutes budget contract zoning permit highways"
      + " staff report library water street").split(" ");

  /** A line of words narrower than a column (about 240 points at 10 pt Times). */
  private static String sentence(Random random, String tag) throws IOException {
    StringBuilder line = new StringBuilder(tag);
    while (true) {
      String next = line + " " + WORDS[random.nextInt(WORDS.length)];
      if (TIMES.getStringWidth(next) / 1000 * 10 > 230) {
        return line.toString();
      }
      line = new StringBuilder(next);
    }
  }

  private static void text(PDPageContentStream content, PDFont font, float size, float x, float y, String text)
      throws IOException {
    content.beginText();
    content.setFont(font, size);
    content.newLineAtOffset(x, y);
    content.showText(text);
    content.endText();
  }
}
