package clerk.activities.storage;

import clerk.workflows.DocumentRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A long document OCRed in page ranges at once, by several OCR activities: each range is written and
 * committed on its own, under {@code txt/{meeting}/.{date}.ranges/r{first}/}, by a {@link TextWriter}
 * (so an attempt owns its range's partial folder as a whole document's attempt does), and when every
 * range is there they are put together into the document's text folder, which appears whole or not at
 * all. A range already committed is never OCRed again: a crash loses at most the pages in flight.
 */
public final class PageRanges {
  private final SiteStorage storage;
  private final DocumentRef document;

  PageRanges(SiteStorage storage, DocumentRef document) {
    this.storage = storage;
    this.document = document;
  }

  /** {@code txt/{meeting}/.{date}.ranges/}: where the ranges wait to be put together. */
  public Path dir() {
    return storage.meetingTextDir(document).resolve("." + document.date() + RANGES_SUFFIX);
  }

  static final String RANGES_SUFFIX = ".ranges";

  /** A writer for the range that starts at {@code first}; pages an earlier attempt wrote are kept. */
  public TextWriter writer(int first) throws IOException {
    return TextWriter.open(dir().resolve(name(first)), dir(), name(first));
  }

  /** Whether the range {@code first}..{@code last} is committed whole. */
  public boolean committed(int first, int last) {
    Set<Integer> pages = TextWriter.pages(dir().resolve(name(first)));
    return pages.size() == last - first + 1 && pages.contains(first) && pages.contains(last);
  }

  private static String name(int first) {
    return "r" + first;
  }

  /** A small file kept with the ranges (what the PDF was when the split began, say). */
  public void writeNote(String name, String text) throws IOException {
    Files.createDirectories(dir());
    Path tmp = dir().resolve("." + name + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, dir().resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** The note, or null when there is none. */
  public String readNote(String name) throws IOException {
    Path file = dir().resolve(name);
    return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
  }

  /**
   * Puts the committed ranges together as the document's text folder ({@code pages} pages, each once)
   * and deletes the ranges. Fails, changing nothing, when a page is missing.
   */
  public void join(int pages) throws IOException {
    try (TextWriter writer = storage.textWriter(document)) {
      Set<Integer> found = new TreeSet<>();
      for (Path range : ranges()) {
        for (int page : TextWriter.pages(range)) {
          if (page <= pages && found.add(page)) {
            writer.writePage(page, Files.readString(range.resolve(TextWriter.pageFile(page)), StandardCharsets.UTF_8));
          }
        }
      }
      writer.commit(pages);
    }
    TextWriter.deleteTree(dir());
  }

  /** Committed range folders ({@code r{first}}), in no order. */
  private List<Path> ranges() {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir())) {
      return out;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir(), "r*")) {
      entries.forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  public void delete() throws IOException {
    TextWriter.deleteTree(dir());
  }
}
