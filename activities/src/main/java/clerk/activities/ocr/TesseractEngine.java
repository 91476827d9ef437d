package clerk.activities.ocr;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import net.sourceforge.tess4j.ITessAPI;
import net.sourceforge.tess4j.ITessAPI.TessBaseAPI;
import net.sourceforge.tess4j.ITessAPI.TessPageSegMode;
import net.sourceforge.tess4j.TessAPI;

/**
 * One initialised Tesseract instance (TessBaseAPI through Tess4J's JNA binding). Initialising loads
 * the traineddata (about half a second), so an engine is kept and reused page after page; Tess4J's
 * {@code Tesseract} class would re-initialise on every call and needs Leptonica for images. Not
 * thread-safe: one thread at a time (see {@link EnginePool}).
 *
 * <p>Tesseract's own OpenMP threads must be off when pages are OCRed in parallel: the worker runs
 * with {@code OMP_THREAD_LIMIT=1} (an environment variable, read when the library loads; nothing
 * here sets it).
 */
final class TesseractEngine implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();

  private final TessAPI api;
  private final TessBaseAPI handle;
  private final Cleaner.Cleanable cleanable;
  private boolean closed;

  private TesseractEngine(TessAPI api, TessBaseAPI handle) {
    this.api = api;
    this.handle = handle;
    // Frees the native engine if a caller drops it without close().
    this.cleanable = CLEANER.register(this, () -> end(api, handle));
  }

  /**
   * @param osd true = page segmentation with orientation detection (needs osd.traineddata), so pages
   *     scanned sideways or upside down read right
   */
  static TesseractEngine open(Path tessdata, String lang, boolean osd) throws IOException {
    TessAPI api = api();
    TessBaseAPI handle = api.TessBaseAPICreate();
    if (api.TessBaseAPIInit3(handle, tessdata.toString(), lang) != 0) {
      end(api, handle);
      throw new IOException(
          "Tesseract could not load language '" + lang + "' from " + tessdata);
    }
    api.TessBaseAPISetPageSegMode(
        handle, osd ? TessPageSegMode.PSM_AUTO_OSD : TessPageSegMode.PSM_AUTO);
    return new TesseractEngine(api, handle);
  }

  private static TessAPI api() throws IOException {
    TesseractSetup.ensureLibraryPath();
    try {
      return TessAPI.INSTANCE;
    } catch (LinkageError e) {
      // UnsatisfiedLinkError first, NoClassDefFoundError on later calls.
      throw new IOException("Tesseract native library not found: " + TesseractSetup.INSTALL_HINT, e);
    }
  }

  /** Tesseract gave up on a page at its deadline. */
  static final class PageTimeoutException extends IOException {
    PageTimeoutException(String message) {
      super(message);
    }
  }

  /**
   * Reads the text of a page image rendered at {@code dpi}, giving up after {@code timeout}: the
   * deadline is Tesseract's own (its progress monitor), so the native call returns by itself and the
   * engine stays usable; no thread is abandoned in native code.
   */
  String read(BufferedImage image, int dpi, Duration timeout) throws IOException {
    return read(image, dpi, timeout, () -> false);
  }

  /**
   * {@link #read(BufferedImage, int, Duration)} that also stops, the same way, as soon as {@code stop}
   * says so (Tesseract asks between words): a page of an attempt nobody waits for any more is not
   * finished.
   *
   * @throws CancellationException when it stopped because {@code stop} said so
   */
  String read(BufferedImage image, int dpi, Duration timeout, BooleanSupplier stop) throws IOException {
    if (closed) {
      throw new IllegalStateException("engine closed");
    }
    BufferedImage gray = toGray(image);
    int width = gray.getWidth();
    int height = gray.getHeight();
    ComponentSampleModel model = (ComponentSampleModel) gray.getSampleModel();
    int stride = model.getScanlineStride();
    DataBufferByte data = (DataBufferByte) gray.getRaster().getDataBuffer();
    long size = (long) stride * height;
    try (Memory pixels = new Memory(size)) {
      pixels.write(0, data.getData(), data.getOffset(), (int) size);
      api.TessBaseAPISetImage(handle, pixels.getByteBuffer(0, size), width, height, 1, stride);
      // After SetImage, which resets it; without it Tesseract guesses and warns on stderr.
      api.TessBaseAPISetSourceResolution(handle, dpi);
      ITessAPI.ETEXT_DESC monitor = api.TessMonitorCreate();
      ITessAPI.TessCancelFunc cancel = (cancelThis, words) -> stop.getAsBoolean();
      int recognized;
      try {
        api.TessMonitorSetDeadlineMSecs(monitor, (int) timeout.toMillis());
        api.TessMonitorSetCancelFunc(monitor, cancel);
        recognized = api.TessBaseAPIRecognize(handle, monitor);
      } finally {
        api.TessMonitorDelete(monitor);
        Reference.reachabilityFence(cancel); // native code holds the callback until here
      }
      if (recognized != 0 && stop.getAsBoolean()) {
        throw new CancellationException("Tesseract stopped: the page is no longer wanted");
      }
      if (recognized != 0) {
        throw new PageTimeoutException("Tesseract gave up after " + timeout.toSeconds()
            + " s (CLERK_OCR_PAGE_TIMEOUT) or failed to recognise the page");
      }
      Pointer text = api.TessBaseAPIGetUTF8Text(handle);
      if (text == null) {
        throw new IOException("Tesseract failed to recognise the page");
      }
      try {
        return text.getString(0, StandardCharsets.UTF_8.name());
      } finally {
        api.TessDeleteText(text);
      }
    } finally {
      api.TessBaseAPIClear(handle);
    }
  }

  /** The image as 8-bit gray, the form handed to Tesseract: as it is when it already is one. */
  static BufferedImage toGray(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_BYTE_GRAY
        && image.getSampleModel() instanceof ComponentSampleModel
        && image.getRaster().getParent() == null) {
      return image;
    }
    BufferedImage gray =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    var g = gray.createGraphics();
    try {
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return gray;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      cleanable.clean();
    }
  }

  private static void end(TessAPI api, TessBaseAPI handle) {
    api.TessBaseAPIEnd(handle);
    api.TessBaseAPIDelete(handle);
  }
}
