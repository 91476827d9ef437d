package clerk.activities.ocr;

import clerk.activities.BadDocumentException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.DefaultResourceCache;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.pdmodel.graphics.PDXObject;
import org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

/**
 * Turns a PDF into page texts: a page's own text layer when it has usable text (unless {@link
 * OcrSettings#forceOcr()}), else the page rendered in gray and read by Tesseract. One page at a time,
 * so memory stays bounded whatever the document's length: PDFBox caches streams in temp files and
 * each page image is dropped before the next page.
 *
 * <p>Input that no retry can fix raises {@link BadDocumentException}; a failure that may pass
 * (Tesseract, disk, the sink) raises {@link IOException}. Safe to use from several threads; the
 * worker must run with {@code OMP_THREAD_LIMIT=1} so Tesseract does not spawn threads of its own.
 */
public final class DocumentOcr {
  /** Fewer non-blank characters than this and a text layer is not worth trusting over OCR. */
  static final int MIN_TEXT_CHARS = 20;

  /** Share of letters and digits among non-blank characters below which a text layer is junk. */
  static final double MIN_LETTER_SHARE = 0.6;

  /** Pages needing more pixels than this at the configured DPI are refused, not rendered. */
  static final long MAX_PAGE_PIXELS = 100_000_000L;

  private static final int HEADER_WINDOW = 1024;
  private static final int TRAILER_WINDOW = 8192;

  private final OcrSettings settings;

  public DocumentOcr(OcrSettings settings) {
    this.settings = settings;
  }

  /** Ends the Tesseract engines kept for reuse; for a worker that is stopping. */
  public static void closeIdleEngines() {
    EnginePool.closeIdle();
  }

  public OcrSettings settings() {
    return settings;
  }

  /**
   * Hands the text of each page from {@code firstPage} on to {@code sink}, in order.
   *
   * @param firstPage 1-based; earlier pages are skipped (resuming a document half done). Past the
   *     last page nothing is done.
   * @throws BadDocumentException the file is not a readable PDF (empty, not a PDF, encrypted,
   *     corrupt, truncated, no pages, a page too large to render, an image too large to decode)
   * @throws IOException Tesseract or the sink failed; worth retrying
   */
  public OcrSummary ocr(Path pdf, int firstPage, PageSink sink) throws IOException {
    return ocr(pdf, firstPage, sink, () -> false);
  }

  /**
   * {@link #ocr(Path, int, PageSink)} that stops as soon as {@code stop} says so: before the next
   * page, and inside Tesseract between words.
   *
   * @throws CancellationException when it stopped because {@code stop} said so
   */
  public OcrSummary ocr(Path pdf, int firstPage, PageSink sink, BooleanSupplier stop) throws IOException {
    return ocr(pdf, firstPage, Integer.MAX_VALUE, sink, stop);
  }

  /** {@link #ocr(Path, int, PageSink, BooleanSupplier)} up to {@code lastPage} (a range of a long document). */
  public OcrSummary ocr(Path pdf, int firstPage, int lastPage, PageSink sink, BooleanSupplier stop)
      throws IOException {
    if (firstPage < 1) {
      throw new IllegalArgumentException("firstPage is 1-based, got " + firstPage);
    }
    return read(pdf, stop, false, firstPage, lastPage, sink);
  }

  /**
   * {@link #ocr(Path, int, PageSink)} for a document expected to be born-digital: only text layers are
   * read, and the first page without a usable one stops it with {@link NeedsTesseract}, so a scan
   * costs one page's look here before it goes to {@link #ocr}.
   */
  public OcrSummary textLayers(Path pdf, PageSink sink) throws IOException {
    return read(pdf, () -> false, true, 1, Integer.MAX_VALUE, sink);
  }

  private OcrSummary read(Path pdf, BooleanSupplier stop, boolean textLayersOnly, int firstPage, int lastPage,
      PageSink sink) throws IOException {
    checkEnvelope(pdf);
    try (PDDocument document = load(pdf)) {
      int pages = document.getNumberOfPages();
      if (pages == 0) {
        throw new BadDocumentException(pdf, "the PDF has no pages");
      }
      document.setResourceCache(new NoImageCache());
      Run run = new Run(pdf, document, stop);
      run.textLayersOnly = textLayersOnly;
      return run.pages(firstPage, Math.min(pages, lastPage), sink);
    } catch (StackOverflowError e) {
      // Deeply nested or cyclic structures in a hostile PDF; the thread survives.
      throw new BadDocumentException(pdf, "corrupt PDF: structure nested too deeply", e);
    }
  }

  /** A page that Tesseract must read, met by {@link #textLayers}. */
  public static final class NeedsTesseract extends RuntimeException {
    private final int page;
    private final int pages;

    NeedsTesseract(int page, int pages) {
      super("page " + page + " of " + pages + " has no usable text layer", null, false, false);
      this.page = page;
      this.pages = pages;
    }

    public int page() {
      return page;
    }

    /** The document's page count. */
    public int pages() {
      return pages;
    }
  }

  /** The PDF's pages, its envelope checked as {@link #ocr} checks it. */
  public int pageCount(Path pdf) throws IOException {
    checkEnvelope(pdf);
    try (PDDocument document = load(pdf)) {
      int pages = document.getNumberOfPages();
      if (pages == 0) {
        throw new BadDocumentException(pdf, "the PDF has no pages");
      }
      return pages;
    } catch (StackOverflowError e) {
      throw new BadDocumentException(pdf, "corrupt PDF: structure nested too deeply", e);
    }
  }

  /** The state of one call: a document being read page by page. */
  private final class Run {
    private final Path pdf;
    private final PDDocument document;
    private final BooleanSupplier stop;
    private final List<PageWarning> warnings = new ArrayList<>();
    private PDFRenderer renderer;
    private EnginePool.Key engineKey;
    private int textLayerPages;
    private int ocrPages;
    /** Set by {@link #textLayers}: a page without a usable text layer ends the run. */
    private boolean textLayersOnly;

    Run(Path pdf, PDDocument document, BooleanSupplier stop) {
      this.pdf = pdf;
      this.document = document;
      this.stop = stop;
    }

    OcrSummary pages(int firstPage, int lastPage, PageSink sink) throws IOException {
      for (int n = firstPage; n <= lastPage; n++) {
        if (stop.getAsBoolean()) {
          throw new CancellationException("OCR stopped before page " + n);
        }
        int number = n;
        PDPage page = pdfStep(number, () -> document.getPage(number0(number)));
        String layer = settings.forceOcr() ? null : textLayer(number);
        if (layer != null && usable(layer)) {
          textLayerPages++;
          sink.page(number, tidy(layer), PageMethod.TEXT_LAYER);
        } else if (textLayersOnly) {
          throw new NeedsTesseract(number, document.getNumberOfPages());
        } else {
          String text = tidy(tesseract(page, number));
          ocrPages++;
          if (text.isBlank() && hasImages(page)) {
            warnings.add(new PageWarning(number, "scanned image read as empty text (blank scan, or an"
                + " image format PDFBox could not decode, e.g. JBIG2 without jbig2-imageio)"));
          }
          sink.page(number, text, PageMethod.TESSERACT);
        }
      }
      return new OcrSummary(
          Math.max(0, lastPage - firstPage + 1), textLayerPages, ocrPages, warnings);
    }

    /** The page's text layer, or null when it cannot be extracted (then OCR decides). */
    private String textLayer(int number) {
      try {
        return TextLayer.read(document, number);
      } catch (IOException | RuntimeException e) {
        warnings.add(new PageWarning(number, "text layer unreadable (" + e + "), used OCR"));
        return null;
      }
    }

    private String tesseract(PDPage page, int number) throws IOException {
      checkRenderable(page, number);
      // A scan that is one full-page image, not much finer than the configured DPI, is read as it is
      // (no rasterising); anything else is rendered at the configured DPI.
      PageImage.Scan scan = pdfStep(number,
          () -> PageImage.fullPageImage(page, MAX_PAGE_PIXELS, settings.dpi() * 3 / 2));
      BufferedImage image = scan != null ? scan.image() : render(number);
      int dpi = scan != null ? scan.dpi() : settings.dpi();
      EnginePool.Key key = engineKey();
      TesseractEngine engine = EnginePool.borrow(key);
      String text;
      try {
        text = engine.read(image, dpi, settings.pageTimeout(), stop);
      } catch (CancellationException e) {
        EnginePool.giveBack(key, engine); // stopped like at its deadline: still good
        throw e;
      } catch (TesseractEngine.PageTimeoutException e) {
        // The same page would hang again on a retry: the document fails, with the page named.
        EnginePool.giveBack(key, engine);
        throw new BadDocumentException(pdf, "page " + number + ": " + e.getMessage(), e);
      } catch (IOException | RuntimeException e) {
        EnginePool.discard(engine);
        throw new IOException(pdf + ": page " + number + ": Tesseract failed: " + e.getMessage(), e);
      }
      EnginePool.giveBack(key, engine);
      return text;
    }

    private void checkRenderable(PDPage page, int number) {
      PDRectangle box = pdfStep(number, page::getCropBox);
      double inches = settings.dpi() / 72.0;
      double pixels = Math.abs(box.getWidth() * inches) * Math.abs(box.getHeight() * inches);
      if (pixels > MAX_PAGE_PIXELS) {
        throw new BadDocumentException(
            pdf,
            String.format(
                "page %d is %.0f x %.0f in; rendering it at %d dpi would take %.0f megapixels"
                    + " (limit %d), refusing to OCR it",
                number,
                box.getWidth() / 72,
                box.getHeight() / 72,
                settings.dpi(),
                pixels / 1e6,
                MAX_PAGE_PIXELS / 1_000_000));
      }
    }

    private BufferedImage render(int number) throws IOException {
      if (renderer == null) {
        renderer = new BoundedRenderer(document);
      }
      try {
        // Gray, and turned upright according to the page's /Rotate.
        return pdfStep(
            number, () -> renderer.renderImageWithDPI(number0(number), settings.dpi(), ImageType.GRAY));
      } catch (OutOfMemoryError e) {
        throw new IOException(
            pdf + ": page " + number + ": out of memory rendering at " + settings.dpi() + " dpi", e);
      }
    }

    private EnginePool.Key engineKey() throws IOException {
      if (engineKey == null) {
        Path tessdata = TesseractSetup.tessdataDir(settings);
        boolean osd = TesseractSetup.hasLanguages(tessdata, "osd");
        if (!osd) {
          warnings.add(new PageWarning(0,
              "osd.traineddata missing in " + tessdata + ": pages scanned sideways may misread"));
        }
        engineKey = new EnginePool.Key(tessdata, settings.lang(), osd);
      }
      return engineKey;
    }

    private boolean hasImages(PDPage page) {
      try {
        return hasImages(page.getResources(), 2);
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }

    private boolean hasImages(PDResources resources, int depth) throws IOException {
      if (resources == null) {
        return false;
      }
      for (COSName name : resources.getXObjectNames()) {
        if (resources.isImageXObject(name)) {
          return true;
        }
        if (depth > 0
            && resources.getXObject(name) instanceof PDFormXObject form
            && hasImages(form.getResources(), depth - 1)) {
          return true;
        }
      }
      return false;
    }

    /** Runs a PDFBox step; its failures mean the file is broken, not that a retry may help. */
    private <T> T pdfStep(int number, PdfStep<T> step) {
      try {
        return step.run();
      } catch (ImageLimit.TooLargeException e) {
        throw new BadDocumentException(pdf, "page " + number + " " + e.getMessage());
      } catch (IOException | RuntimeException e) {
        throw new BadDocumentException(pdf, "corrupt PDF: page " + number + ": " + e.getMessage(), e);
      }
    }
  }

  @FunctionalInterface
  private interface PdfStep<T> {
    T run() throws IOException;
  }

  private static int number0(int number) {
    return number - 1;
  }

  /** Cheap checks before PDFBox: PDFBox would happily "repair" some of these into nonsense. */
  private static void checkEnvelope(Path pdf) throws IOException {
    long size = Files.size(pdf);
    if (size == 0) {
      throw new BadDocumentException(pdf, "empty file (0 bytes)");
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(pdf)) {
      head = in.readNBytes(HEADER_WINDOW);
    }
    if (!ascii(head).contains("%PDF-")) {
      throw new BadDocumentException(
          pdf, "not a PDF (no %PDF header; starts with \"" + preview(head) + "\")");
    }
    byte[] tail = new byte[(int) Math.min(size, TRAILER_WINDOW)];
    try (RandomAccessFile file = new RandomAccessFile(pdf.toFile(), "r")) {
      file.seek(size - tail.length);
      file.readFully(tail);
    }
    if (!ascii(tail).contains("%%EOF")) {
      throw new BadDocumentException(
          pdf, "truncated PDF: no %%EOF end marker (incomplete download?), " + size + " bytes");
    }
  }

  private static PDDocument load(Path pdf) throws IOException {
    // Opening the file can fail for passing reasons (permissions, I/O): plain IOException.
    RandomAccessReadBufferedFile source = new RandomAccessReadBufferedFile(pdf.toFile());
    try {
      return Loader.loadPDF(source, IOUtils.createTempFileOnlyStreamCache());
    } catch (InvalidPasswordException e) {
      IOUtils.closeQuietly(source);
      throw new BadDocumentException(pdf, "encrypted: the PDF needs a password to open", e);
    } catch (IOException | RuntimeException e) {
      IOUtils.closeQuietly(source);
      throw new BadDocumentException(pdf, "corrupt or truncated PDF: " + e.getMessage(), e);
    }
  }

  /**
   * Leaders: three or more dots (or middle dots, ellipses, underscores) in a row, with or without
   * spaces between them, as index and contents pages draw them from an entry to its page number.
   */
  private static final java.util.regex.Pattern LEADER =
      java.util.regex.Pattern.compile("(?:[.\u00b7\u2026_]\\s?){3,}");

  /**
   * Whether a text layer is worth trusting over OCR: enough characters, mostly letters and digits.
   * Leaders do not count either way: an index page ("Item ........ 12") has more dots than letters
   * and a perfectly good text layer, which OCR would turn into "cccccccc".
   */
  static boolean usable(String text) {
    String withoutLeaders = LEADER.matcher(text).replaceAll(" ");
    int nonBlank = 0;
    int letters = 0;
    for (int i = 0; i < withoutLeaders.length(); i++) {
      char c = withoutLeaders.charAt(i);
      if (!Character.isWhitespace(c)) {
        nonBlank++;
        if (Character.isLetterOrDigit(c)) {
          letters++;
        }
      }
    }
    return nonBlank >= MIN_TEXT_CHARS && letters >= MIN_LETTER_SHARE * nonBlank;
  }

  /** Unix newlines, no trailing blanks, at most one empty line in a row, no form feeds or NULs. */
  static String tidy(String text) {
    String unix = text.replace("\r\n", "\n").replace('\r', '\n').replace('\f', '\n');
    unix = unix.replace("\u0000", "");
    StringBuilder out = new StringBuilder(unix.length());
    int blankRun = 0;
    for (String line : unix.split("\n", -1)) {
      String stripped = line.stripTrailing();
      if (stripped.isEmpty()) {
        blankRun++;
        continue;
      }
      if (out.length() > 0) {
        out.append(blankRun > 0 ? "\n\n" : "\n");
      }
      blankRun = 0;
      out.append(stripped);
    }
    return out.toString();
  }

  private static String ascii(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static String preview(byte[] head) {
    String text = ascii(head).substring(0, Math.min(head.length, 16));
    return text.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /**
   * Keeps fonts and the like cached but not images: a long scanned document would otherwise hold
   * every decoded page image until the heap is under pressure.
   */
  private static final class NoImageCache extends DefaultResourceCache {
    @Override
    public void put(COSObject indirect, PDXObject xobject) {}
  }
}
