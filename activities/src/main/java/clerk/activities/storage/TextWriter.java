package clerk.activities.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes one document's page texts so that its text folder appears whole or not at all: pages go to a
 * hidden partial folder, each page by temp file and rename, and {@link #commit} renames the folder
 * into place. Pages of a crashed attempt stay in its partial folder, so the next attempt resumes
 * after them.
 *
 * <p>Each writer (one per OCR attempt) owns a partial folder of its own,
 * {@code txt/{meeting}/.partials/.{date}.{token}.partial/}, and takes over an earlier attempt's pages by
 * renaming that attempt's folder to its own name. An earlier attempt that is still running (Temporal
 * gave up on it, its thread did not notice yet) thereby loses its folder: its next page write and
 * its commit fail, and it can never write into, or commit, the pages of the attempt that replaced it.
 *
 * <p>The partial folders are kept in one hidden folder per meeting ({@link #PARTIALS_DIR}), so that
 * finding a document's is a listing of the documents being written, not of the whole meeting (which
 * made writing a meeting's documents quadratic in their number). Partial folders of older versions,
 * beside the text folders, are moved into it when it is made.
 */
public final class TextWriter implements AutoCloseable {
  private static final Pattern PAGE = Pattern.compile("page-([1-9][0-9]*)\\.txt");
  /** {@code .{date}.partial} (before attempts owned their folders) or {@code .{date}.{token}.partial}. */
  private static final Pattern PARTIAL = Pattern.compile("\\.(.+?)(?:\\.[0-9a-f]{12})?\\.partial");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path target;
  private final Path partial;

  private TextWriter(Path target, Path partial) {
    this.target = target;
    this.partial = partial;
  }

  /**
   * A writer with a partial folder of its own, holding the pages of the earlier attempt that got
   * furthest (taken over by rename); other attempts' leftovers are deleted.
   */
  static TextWriter open(Path target, Path meetingDir, String date) throws IOException {
    Path partials = partialsDir(meetingDir);
    Path own = partials.resolve("." + date + "." + token() + SiteStorage.PARTIAL_SUFFIX);
    while (true) {
      List<Path> earlier = partialDirsIn(partials, date);
      earlier.sort(Comparator.comparingInt((Path dir) -> pages(dir).size()).reversed());
      if (earlier.isEmpty()) {
        Files.createDirectory(own);
        break;
      }
      try {
        Files.move(earlier.get(0), own, StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException gone) {
        continue; // committed or taken over meanwhile: look again
      }
      for (Path stale : earlier.subList(1, earlier.size())) {
        deleteTree(stale);
      }
      break;
    }
    return new TextWriter(target, own);
  }

  private static String token() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** The date a partial folder's name is for; null when the name is not a partial folder's. */
  static String partialDate(String folderName) {
    Matcher m = PARTIAL.matcher(folderName);
    return m.matches() ? m.group(1) : null;
  }

  /** The hidden folder that holds a meeting's partial folders. */
  static final String PARTIALS_DIR = ".partials";

  /**
   * The meeting's {@link #PARTIALS_DIR}, made if missing; the partial folders an older version left
   * beside the text folders are moved into it then, so that their pages are still resumed from.
   */
  static Path partialsDir(Path meetingDir) throws IOException {
    Path partials = meetingDir.resolve(PARTIALS_DIR);
    if (Files.isDirectory(partials)) {
      return partials;
    }
    Files.createDirectories(partials);
    for (Path legacy : partialDirsIn(meetingDir, null)) {
      try {
        Files.move(legacy, partials.resolve(legacy.getFileName()), StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException | java.nio.file.FileAlreadyExistsException takenMeanwhile) {
        // moved, committed or taken over by another writer meanwhile
      }
    }
    return partials;
  }

  /**
   * Every partial folder of the document, whichever attempt wrote it: in the meeting's
   * {@link #PARTIALS_DIR}, and beside the text folders where an older version left them.
   */
  static List<Path> partialDirs(Path meetingDir, String date) {
    List<Path> out = partialDirsIn(meetingDir.resolve(PARTIALS_DIR), date);
    out.addAll(partialDirsIn(meetingDir, date));
    return out;
  }

  /** The partial folders in {@code dir} of the document of this date; of every document for null. */
  private static List<Path> partialDirsIn(Path dir, String date) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String partialDate = partialDate(p.getFileName().toString());
        if (partialDate != null && (date == null || date.equals(partialDate)) && Files.isDirectory(p)) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
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
    commit(1, pageCount);
  }

  /** Moves pages {@code first}..{@code last} into place (a range of a long document: see {@link PageRanges}). */
  public void commit(int first, int last) throws IOException {
    Set<Integer> pages = pagesWritten();
    Set<Integer> expected = new TreeSet<>();
    for (int i = first; i <= last; i++) {
      expected.add(i);
    }
    if (first < 1 || last < first || !pages.equals(expected)) {
      throw new IOException(partial + ": expected pages " + first + ".." + last + ", found " + pages);
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
    try {
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (old != null) {
        Files.move(old, target, StandardCopyOption.ATOMIC_MOVE); // the partial folder was taken over
      }
      throw e;
    }
    if (old != null) {
      deleteTree(old);
    }
  }

  /** Deletes this writer's pages: for a document that failed for good, which no attempt resumes. */
  public void discard() throws IOException {
    deleteTree(partial);
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
