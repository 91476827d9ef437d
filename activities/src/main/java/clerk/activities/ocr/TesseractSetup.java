package clerk.activities.ocr;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds Tesseract's native library and traineddata on this machine. Tess4J loads {@code tesseract}
 * through JNA; Debian ships only {@code libtesseract.so.5} (no unversioned name without the -dev
 * package), which JNA matches when its directory is on {@code jna.library.path}. Leptonica is never
 * needed: we hand Tesseract raw gray pixels, not Leptonica {@code Pix} images (lept4j would look for
 * {@code libleptonica.so}, which Debian names {@code liblept.so.5}).
 */
final class TesseractSetup {
  static final String INSTALL_HINT =
      "install it with bin/install-tesseract (Debian: apt-get install tesseract-ocr"
          + " tesseract-ocr-eng tesseract-ocr-osd)";

  private static final List<String> LIBRARY_DIRS =
      List.of(
          "/usr/lib/x86_64-linux-gnu",
          "/usr/lib/aarch64-linux-gnu",
          "/usr/lib64",
          "/usr/lib",
          "/usr/local/lib",
          "/opt/homebrew/lib");

  private static final List<String> TESSDATA_DIRS =
      List.of(
          "/usr/share/tesseract-ocr/5/tessdata",
          "/usr/share/tesseract-ocr/4.00/tessdata",
          "/usr/share/tessdata",
          "/usr/local/share/tessdata",
          "/opt/homebrew/share/tessdata");

  private static volatile boolean libraryPathDone;

  private TesseractSetup() {}

  /**
   * Adds the directory holding libtesseract to {@code jna.library.path} when the property is unset,
   * before Tess4J first loads the library. An explicit property is left alone.
   */
  static synchronized void ensureLibraryPath() {
    if (libraryPathDone) {
      return;
    }
    libraryPathDone = true;
    String current = System.getProperty("jna.library.path");
    if (current != null && !current.isBlank()) {
      return;
    }
    List<String> found = new ArrayList<>();
    for (String dir : LIBRARY_DIRS) {
      if (hasTesseractLibrary(Path.of(dir))) {
        found.add(dir);
      }
    }
    if (!found.isEmpty()) {
      System.setProperty("jna.library.path", String.join(File.pathSeparator, found));
    }
  }

  private static boolean hasTesseractLibrary(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .anyMatch(
              n ->
                  n.startsWith("libtesseract.so")
                      || (n.startsWith("libtesseract.") && n.endsWith(".dylib")));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The tessdata directory holding every language of {@code lang} (e.g. {@code eng+spa}): the
   * configured path (TESSDATA_PREFIX), else the usual install locations. A path may name the
   * tessdata directory itself or its parent.
   */
  static Path tessdataDir(OcrSettings settings) throws IOException {
    List<Path> candidates = new ArrayList<>();
    if (settings.tessdataPath() != null) { // TESSDATA_PREFIX, bound with the other settings
      candidates.add(settings.tessdataPath());
    } else {
      TESSDATA_DIRS.forEach(d -> candidates.add(Path.of(d)));
    }
    for (Path candidate : candidates) {
      for (Path dir : List.of(candidate, candidate.resolve("tessdata"))) {
        if (hasLanguages(dir, settings.lang())) {
          return dir;
        }
      }
    }
    throw new IOException(
        "Tesseract language data for '"
            + settings.lang()
            + "' not found in "
            + candidates
            + "; "
            + INSTALL_HINT
            + ", or set TESSDATA_PREFIX to the tessdata directory");
  }

  static boolean hasLanguages(Path dir, String lang) {
    for (String one : lang.split("\\+")) {
      if (!Files.isRegularFile(dir.resolve(one + ".traineddata"))) {
        return false;
      }
    }
    return true;
  }
}
