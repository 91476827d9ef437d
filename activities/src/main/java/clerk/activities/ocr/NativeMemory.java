package clerk.activities.ocr;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives memory that native code freed back to the operating system. Tesseract allocates and frees
 * hundreds of megabytes per page through glibc's malloc, which keeps freed pages for reuse: the
 * worker's resident size stayed at its peak long after OCR ended. {@code malloc_trim(0)} releases the
 * free pages of every arena. A no-op where there is no glibc (macOS, musl).
 */
final class NativeMemory {
  private static final Logger log = LoggerFactory.getLogger(NativeMemory.class);
  private static volatile Function mallocTrim;
  private static volatile boolean unavailable;

  private NativeMemory() {}

  /** @return whether memory was released (false also where malloc_trim does not exist) */
  static boolean trim() {
    if (unavailable) {
      return false;
    }
    try {
      if (mallocTrim == null) {
        mallocTrim = NativeLibrary.getInstance("c").getFunction("malloc_trim");
      }
      return mallocTrim.invokeInt(new Object[] {0}) == 1;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      unavailable = true;
      log.info("no malloc_trim on this system ({}): native memory is returned as the allocator sees fit", e.toString());
      return false;
    }
  }
}
