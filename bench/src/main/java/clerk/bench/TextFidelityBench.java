package clerk.bench;

import clerk.client.ClerkSettings;
import clerk.activities.ocr.DocumentOcr;
import clerk.activities.ocr.OcrSettings;
import clerk.activities.ocr.PageMethod;
import clerk.activities.sample.FidelityPdfs;
import clerk.activities.sample.TextDistance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * bench/ocr/fidelity: born-digital text as clerk reads it, beside pdftotext (poppler) and PDFBox's
 * plain stripper (what clerk used before), page by page. For the generated pages the known text is the
 * reference; for real PDFs pdftotext is. Distance is the character error rate on whitespace-normalised
 * text, so a column read in the wrong order counts as wrong. Usage: {@code bench/ocr/fidelity [PDF...]}.
 */
public final class TextFidelityBench {
  public static void main(String[] args) throws Exception {
    Path work = Path.of("bench/ocr/work/fidelity").toAbsolutePath();
    OcrBench.deleteTree(work);
    Files.createDirectories(work);
    List<FidelityPdfs.Made> made = List.of(
        FidelityPdfs.filledForm(work.resolve("filled-form.pdf")),
        FidelityPdfs.dotLeaderIndex(work.resolve("dot-leader-index.pdf")),
        FidelityPdfs.letterSpaced(work.resolve("letter-spaced.pdf"), 1),
        FidelityPdfs.twoColumnsRowByRow(work.resolve("two-columns-row-by-row.pdf"), 30, 1));
    DocumentOcr clerk = new DocumentOcr(ClerkSettings.fromEnvironment().ocr());

    System.out.println("generated pages: CER against the known text (lower is better)");
    System.out.printf("%-28s %8s %10s %10s  %s%n", "page", "clerk", "pdftotext", "PDFBox", "clerk's method");
    for (FidelityPdfs.Made m : made) {
      Page clerkPage = clerkPages(clerk, m.pdf()).get(1);
      System.out.printf("%-28s %7.1f%% %9.1f%% %9.1f%%  %s%n", m.pdf().getFileName(),
          100 * TextDistance.cer(m.text(), clerkPage.text()), 100 * TextDistance.cer(m.text(), pdftotext(m.pdf(), 1)),
          100 * TextDistance.cer(m.text(), plainPdfBox(m.pdf(), 1)), clerkPage.method());
    }

    System.out.println();
    System.out.println("real PDFs: CER against pdftotext, whole document (clerk / PDFBox plain stripper)");
    System.out.printf("%-44s %6s %8s %8s %8s%n", "document", "pages", "clerk", "PDFBox", "OCRed");
    for (String arg : args) {
      Path pdf = Path.of(arg);
      Map<Integer, Page> pages = clerkPages(clerk, pdf);
      double clerkErrors = 0;
      double plainErrors = 0;
      double chars = 0;
      int ocred = 0;
      for (Map.Entry<Integer, Page> e : pages.entrySet()) {
        String reference = pdftotext(pdf, e.getKey());
        int n = TextDistance.normalise(reference).length();
        clerkErrors += TextDistance.cer(reference, e.getValue().text()) * n;
        plainErrors += TextDistance.cer(reference, plainPdfBox(pdf, e.getKey())) * n;
        chars += n;
        ocred += e.getValue().method() == PageMethod.TESSERACT ? 1 : 0;
      }
      System.out.printf("%-44s %6d %7.2f%% %7.2f%% %8d%n", pdf.getFileName(), pages.size(),
          100 * clerkErrors / chars, 100 * plainErrors / chars, ocred);
    }
    DocumentOcr.closeIdleEngines();
  }

  record Page(String text, PageMethod method) {}

  static Map<Integer, Page> clerkPages(DocumentOcr clerk, Path pdf) throws Exception {
    Map<Integer, Page> pages = new TreeMap<>();
    clerk.ocr(pdf, 1, (n, text, method) -> pages.put(n, new Page(text, method)));
    return pages;
  }

  static String pdftotext(Path pdf, int page) throws Exception {
    return OcrBench.run(pdf.getParent(), "pdftotext -f " + page + " -l " + page + " '" + pdf + "' -");
  }

  static String plainPdfBox(Path pdf, int page) throws Exception {
    try (PDDocument document = Loader.loadPDF(pdf.toFile())) {
      PDFTextStripper stripper = new PDFTextStripper();
      stripper.setStartPage(page);
      stripper.setEndPage(page);
      return stripper.getText(document);
    }
  }
}
