package clerk.activities.storage;

import clerk.activities.UnavailableException;
import clerk.workflows.DocumentRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage layout, the source of truth for which documents exist and which have their text:
 * {@code {subdomain}/[_agendas/]pdfs/{meeting}/{date}.pdf} and {@code …/txt/{meeting}/{date}/page-N.txt}.
 * Every name is validated and every path checked to stay inside the root, symlinks included.
 */
public final class SiteStorage {
  private static final Logger log = LoggerFactory.getLogger(SiteStorage.class);
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");
  static final String AGENDAS_DIR = "_agendas";

  private final Path root;

  public SiteStorage(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** Returns the subdomain when it is a lowercase domain name such as {@code alameda.ca.us}. */
  public static String validateSubdomain(String subdomain) {
    if (subdomain == null || subdomain.length() > 253 || !SUBDOMAIN.matcher(subdomain).matches()) {
      throw new InvalidNameException("invalid subdomain \"" + printable(subdomain)
          + "\": must be a lowercase domain name like alameda.ca.us");
    }
    return subdomain;
  }

  /** Returns a meeting or date name when it is one plain path segment. */
  public static String validateName(String what, String value) {
    String problem = null;
    if (value == null || value.isEmpty()) {
      problem = "is empty";
    } else if (value.length() > 200) {
      problem = "is longer than 200 characters";
    } else if (value.startsWith(".")) {
      problem = "starts with a dot";
    } else if (value.indexOf('/') >= 0 || value.indexOf('\\') >= 0) {
      problem = "contains a path separator";
    } else if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      problem = "contains a control character";
    }
    if (problem != null) {
      throw new InvalidNameException("invalid " + what + " name \"" + printable(value) + "\": " + problem);
    }
    return value;
  }

  private static String printable(String s) {
    return s == null ? "null" : s.replace("\u0000", "\\0");
  }

  public Path siteDir(String subdomain) {
    return inside(root.resolve(validateSubdomain(subdomain)));
  }

  /**
   * The site's folder, which must exist before any of its documents is read or written: a missing
   * one means STORAGE_DIR is not mounted (or the site was moved), never that its documents are bad,
   * and writing text there would fill the mount point.
   */
  public Path requireSiteDir(String subdomain) {
    Path dir = siteDir(subdomain);
    if (!Files.isDirectory(dir)) {
      throw new UnavailableException(
          "storage folder " + dir + " is missing (is STORAGE_DIR mounted?)", null);
    }
    return dir;
  }

  private Path kindDir(DocumentRef d) {
    Path site = siteDir(d.subdomain());
    if (DocumentRef.MINUTES.equals(d.kind())) {
      return site;
    }
    if (DocumentRef.AGENDAS.equals(d.kind())) {
      return site.resolve(AGENDAS_DIR);
    }
    throw new InvalidNameException("invalid document kind \"" + d.kind() + "\": minutes or agendas");
  }

  public Path pdf(DocumentRef d) {
    return inside(kindDir(d).resolve("pdfs").resolve(validateName("meeting", d.meeting()))
        .resolve(validateName("date", d.date()) + ".pdf"));
  }

  public Path textDir(DocumentRef d) {
    return inside(meetingTextDir(d).resolve(d.date()));
  }

  Path meetingTextDir(DocumentRef d) {
    validateName("date", d.date());
    return inside(kindDir(d).resolve("txt").resolve(validateName("meeting", d.meeting())));
  }

  /** Refuses a path whose existing part resolves, through symlinks, outside the root. */
  private Path inside(Path path) {
    Path p = path.normalize();
    if (!p.startsWith(root)) {
      throw new InvalidNameException(path + ": outside the storage directory " + root);
    }
    Path existing = p;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing != null && existing.startsWith(root)) {
      try {
        Path real = existing.toRealPath();
        if (!real.startsWith(root.toRealPath())) {
          throw new InvalidNameException(path + ": leads outside the storage directory " + root
              + " through a symbolic link (to " + real + ")");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return p;
  }

  /** Site folders whose names are valid subdomains, sorted. */
  public List<String> listSites() {
    List<String> sites = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return sites;
    }
    for (Path dir : list(root)) {
      String name = dir.getFileName().toString();
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try {
        validateSubdomain(name);
        sites.add(name);
      } catch (InvalidNameException e) {
        log.warn("skipping folder {}: {}", dir, e.getMessage());
      }
    }
    sites.sort(Comparator.naturalOrder());
    return sites;
  }

  /** What a scan of a site folder found: its documents, and what it had to skip, with why. */
  public record Scan(List<DocumentRef> documents, List<String> problems) {}

  public Scan scan(String subdomain) {
    Path site = siteDir(subdomain);
    List<DocumentRef> documents = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    if (!Files.isDirectory(site)) {
      problems.add("no such site folder: " + site);
      return new Scan(documents, problems);
    }
    scanKind(subdomain, DocumentRef.MINUTES, site.resolve("pdfs"), documents, problems);
    scanKind(subdomain, DocumentRef.AGENDAS, site.resolve(AGENDAS_DIR).resolve("pdfs"), documents,
        problems);
    documents.sort(Comparator.comparing(DocumentRef::id));
    return new Scan(List.copyOf(documents), List.copyOf(problems));
  }

  private void scanKind(String subdomain, String kind, Path pdfs, List<DocumentRef> out,
      List<String> problems) {
    if (!Files.isDirectory(pdfs)) {
      return;
    }
    for (Path meetingDir : list(pdfs)) {
      String meeting = meetingDir.getFileName().toString();
      if (!Files.isDirectory(meetingDir)) {
        problems.add(meetingDir + ": a file directly in pdfs/ (expected pdfs/{meeting}/{date}.pdf)");
        continue;
      }
      for (Path file : list(meetingDir)) {
        String name = file.getFileName().toString();
        if (Files.isDirectory(file)) {
          problems.add(file + ": a folder inside a meeting folder (expected {date}.pdf files)");
          continue;
        }
        if (!name.toLowerCase(Locale.ROOT).endsWith(".pdf")) {
          continue;
        }
        DocumentRef d = new DocumentRef(subdomain, kind, meeting, name.substring(0, name.length() - 4));
        try {
          if (!pdf(d).getFileName().toString().equals(name)) {
            // Only the lowercase extension round-trips through pdf(); rename such files.
            problems.add(file + ": the extension must be lowercase .pdf");
            continue;
          }
          out.add(d);
        } catch (InvalidNameException e) {
          problems.add(file + ": " + e.getMessage());
        }
      }
    }
  }

  private static List<Path> list(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** Pages of the document's committed text folder ({@code page-1.txt … page-N.txt}); 0 when none. */
  public int textPageCount(DocumentRef d) {
    return TextWriter.pageCount(textDir(d));
  }

  public boolean isTextComplete(DocumentRef d) {
    return textPageCount(d) > 0;
  }

  public List<String> readPages(DocumentRef d) throws IOException {
    Path dir = textDir(d);
    int pages = TextWriter.pageCount(dir);
    List<String> texts = new ArrayList<>(pages);
    for (int n = 1; n <= pages; n++) {
      texts.add(Files.readString(dir.resolve(TextWriter.pageFile(n)), StandardCharsets.UTF_8));
    }
    return texts;
  }

  /** Documents on disk, per document however many pages: with committed text, with only a partial. */
  public record DiskCounts(int documents, int textComplete, int partial) {}

  public DiskCounts count(String subdomain) {
    Scan scan = scan(subdomain);
    int complete = 0;
    int partial = 0;
    for (DocumentRef d : scan.documents()) {
      if (isTextComplete(d)) {
        complete++;
      } else if (hasPartialText(d)) {
        partial++;
      }
    }
    return new DiskCounts(scan.documents().size(), complete, partial);
  }

  /** Whether a crashed OCR attempt left a half-written text folder for the document. */
  public boolean hasPartialText(DocumentRef d) {
    return Files.isDirectory(TextWriter.partialDir(this, d));
  }

  public Set<String> completedDocumentIds(String subdomain) {
    Set<String> ids = new HashSet<>();
    for (DocumentRef d : scan(subdomain).documents()) {
      if (isTextComplete(d)) {
        ids.add(d.id());
      }
    }
    return ids;
  }

  /** A writer for the document's text; pages an earlier attempt wrote are kept for it. */
  public TextWriter textWriter(DocumentRef d) throws IOException {
    return new TextWriter(textDir(d), TextWriter.partialDir(this, d));
  }

  public void removeText(DocumentRef d) throws IOException {
    TextWriter.deleteTree(textDir(d));
    TextWriter.deleteTree(TextWriter.partialDir(this, d));
  }
}
