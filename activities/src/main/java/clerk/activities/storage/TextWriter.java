package clerk.activities.storage;

import clerk.workflows.DocumentRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes one document's page texts so that its text folder appears whole or not at all: pages go to a
 * hidden partial folder ({@code txt/{meeting}/.{date}.partial/}), each page by temp file and rename,
 * and {@link #commit} renames the folder into place. Pages of a crashed attempt stay in the partial
 * folder, so the next attempt resumes after them.
 */
public final class TextWriter implements AutoCloseable {
  private static final Pattern PAGE = Pattern.compile("page-([1-9][0-9]*)\\.txt");

  private final Path target;
  private final Path partial;

  TextWriter(Path target, Path partial) throws IOException {
    this.target = target;
    this.partial = partial;
    Files.createDirectories(partial);
  }

  static Path partialDir(SiteStorage storage, DocumentRef d) {
    return storage.meetingTextDir(d).resolve("." + d.date() + SiteStorage.PARTIAL_SUFFIX);
  }

  static String pageFile(int n) {
    return "page-" + n + ".txt";
  }

  /** N for a page file's name {@code page-N.txt}; null for any other name. */
  static Integer pageNumber(String fileName) {
    Matcher m = PAGE.matcher(fileName);
    return m.matches() ? Integer.valueOf(m.group(1)) : null;
  }

  /** Page numbers of the whole page files in {@code dir}. */
  static Set<Integer> pages(Path dir) {
    Set<Integer> pages = new TreeSet<>();
    if (!Files.isDirectory(dir)) {
      return pages;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        Integer page = pageNumber(f.getFileName().toString());
        if (page != null) {
          pages.add(page);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pages;
  }

  /** N when {@code dir} holds exactly page-1 … page-N, else 0. */
  static int pageCount(Path dir) {
    Set<Integer> pages = pages(dir);
    int n = pages.size();
    return n > 0 && pages.contains(1) && pages.contains(n) ? n : 0;
  }

  public Set<Integer> pagesWritten() {
    return pages(partial);
  }

  public void writePage(int n, String text) throws IOException {
    if (n < 1) {
      throw new IllegalArgumentException("pages are numbered from 1, got " + n);
    }
    Path tmp = partial.resolve(".page-" + n + "." + UUID.randomUUID() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, partial.resolve(pageFile(n)), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** Moves the pages into place as the document's text folder, replacing an older one. */
  public void commit(int pageCount) throws IOException {
    Set<Integer> pages = pagesWritten();
    Set<Integer> expected = new TreeSet<>();
    for (int i = 1; i <= pageCount; i++) {
      expected.add(i);
    }
    if (pageCount < 1 || !pages.equals(expected)) {
      throw new IOException(partial + ": expected pages 1.." + pageCount + ", found " + pages);
    }
    try (Stream<Path> files = Files.list(partial)) {
      for (Path f : files.toList()) {
        if (!PAGE.matcher(f.getFileName().toString()).matches()) {
          Files.delete(f); // a temp file of a crashed write
        }
      }
    }
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    if (old != null) {
      deleteTree(old);
    }
  }

  /** Keeps the partial folder: its pages are how the next attempt resumes. */
  @Override
  public void close() {}

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(p);
        } catch (NoSuchFileException gone) {
          // removed meanwhile
        }
      }
    }
  }
}
