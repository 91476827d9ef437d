package clerk.activities.ocr;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How documents are OCRed; from the environment through ClerkSettings (docs/configuration.md).
 *
 * @param lang Tesseract language(s), e.g. {@code eng} or {@code eng+spa}
 * @param dpi resolution pages are rendered at for Tesseract
 * @param tessdataPath directory holding {@code <lang>.traineddata} (TESSDATA_PREFIX); null = detect
 *     (the usual Debian/Homebrew locations)
 * @param forceOcr true = OCR every page even when it has a usable text layer
 * @param pageTimeout how long Tesseract may take on one page before the page (and so the document)
 *     fails: a hung page must not hold an OCR slot for the activity's whole timeout
 */
public record OcrSettings(String lang, int dpi, Path tessdataPath, boolean forceOcr, Duration pageTimeout) {
  public static final String DEFAULT_LANG = "eng";
  public static final int DEFAULT_DPI = 300;
  public static final Duration DEFAULT_PAGE_TIMEOUT = Duration.ofMinutes(2);

  public OcrSettings(String lang, int dpi, Path tessdataPath, boolean forceOcr) {
    this(lang, dpi, tessdataPath, forceOcr, DEFAULT_PAGE_TIMEOUT);
  }

  public OcrSettings {
    if (lang == null || lang.isBlank()) {
      lang = DEFAULT_LANG;
    }
    if (dpi < 72 || dpi > 1200) {
      throw new IllegalArgumentException("dpi must be between 72 and 1200, not " + dpi);
    }
    if (pageTimeout == null) {
      pageTimeout = DEFAULT_PAGE_TIMEOUT;
    }
    if (pageTimeout.isNegative() || pageTimeout.isZero() || pageTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("page timeout must be positive, not " + pageTimeout);
    }
  }

  public static OcrSettings defaults() {
    return new OcrSettings(DEFAULT_LANG, DEFAULT_DPI, null, false);
  }

  public OcrSettings withForceOcr(boolean force) {
    return new OcrSettings(lang, dpi, tessdataPath, force, pageTimeout);
  }

  public OcrSettings withDpi(int newDpi) {
    return new OcrSettings(lang, newDpi, tessdataPath, forceOcr, pageTimeout);
  }

  public OcrSettings withPageTimeout(Duration timeout) {
    return new OcrSettings(lang, dpi, tessdataPath, forceOcr, timeout);
  }
}
