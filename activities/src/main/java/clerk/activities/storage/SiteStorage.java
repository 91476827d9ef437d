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
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
  /** Four, two and two ASCII digits: the shape of a date before the calendar is asked. */
  private static final Pattern DATE_SHAPE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

  private final Path root;
  private volatile Path realRoot;

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

  /**
   * Returns a document's date when it is a real calendar day written {@code YYYY-MM-DD}, the form
   * civic.band's fetchers write ({@code 2024-01-15}). The one rule for dates: the survey skips (and
   * lists) a PDF whose name breaks it, so a name like {@code minutes-final.pdf} or
   * {@code B_2024-01-01.pdf} never becomes a document.
   */
  public static String validateDate(String date) {
    validateName("date", date);
    boolean valid = DATE_SHAPE.matcher(date).matches();
    if (valid) {
      try {
        LocalDate.parse(date, DATE);
      } catch (DateTimeParseException e) {
        valid = false; // 2024-02-30, 2023-13-01
      }
    }
    if (!valid) {
      throw new InvalidNameException("invalid date \"" + printable(date)
          + "\": the file name must be a calendar date YYYY-MM-DD, e.g. 2024-01-15.pdf");
    }
    return date;
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

  /**
   * Not checked by inside(): the paths built on it are, once, at the end. The real path of their
   * deepest existing folder has every symbolic link on the way resolved, so checking each folder on
   * the way too only repeated the same system calls (a tenth of an OCR batch's CPU).
   */
  private Path kindDir(DocumentRef d) {
    Path site = root.resolve(validateSubdomain(d.subdomain()));
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
        .resolve(validateDate(d.date()) + ".pdf"));
  }

  public Path textDir(DocumentRef d) {
    return inside(meetingTextPath(d).resolve(d.date()));
  }

  Path meetingTextDir(DocumentRef d) {
    return inside(meetingTextPath(d));
  }

  private Path meetingTextPath(DocumentRef d) {
    // Only a safe path segment, not a valid date: the text of a document whose name no longer
    // passes validateDate must still be removable.
    validateName("date", d.date());
    return kindDir(d).resolve("txt").resolve(validateName("meeting", d.meeting()));
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
        if (!real.startsWith(realRoot(false)) && !real.startsWith(realRoot(true))) {
          throw new InvalidNameException(path + ": leads outside the storage directory " + root
              + " through a symbolic link (to " + real + ")");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return p;
  }

  /** The root's real path, looked up again when asked to (the root may be a link that was moved). */
  private Path realRoot(boolean again) throws IOException {
    Path real = realRoot;
    if (real == null || again) {
      real = root.toRealPath();
      realRoot = real;
    }
    return real;
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
    SiteSurvey survey = survey(subdomain);
    return new Scan(survey.refs(), survey.problems());
  }

  /**
   * Walks the site's folder once: every PDF with its size and mtime, every text folder with its page
   * files, half-written folders, what had to be skipped, and the fingerprint of it all. One stat per
   * file; nothing is read.
   */
  public SiteSurvey survey(String subdomain) {
    return survey(subdomain, () -> {});
  }

  /** @param progress called after each meeting folder (a heartbeat for sites of many thousand files) */
  public SiteSurvey survey(String subdomain, Runnable progress) {
    Path site = siteDir(subdomain);
    SiteSurvey.Fingerprint fingerprint = new SiteSurvey.Fingerprint();
    List<String> problems = new ArrayList<>();
    if (!Files.isDirectory(site)) {
      problems.add("no such site folder: " + site);
      return new SiteSurvey(List.of(), List.copyOf(problems), fingerprint.value());
    }
    Map<String, long[]> pdfs = new TreeMap<>(); // id -> {size, mtime}
    Map<String, DocumentRef> refs = new HashMap<>();
    Map<String, SiteSurvey.Text> texts = new HashMap<>();
    Set<String> partials = new HashSet<>();
    for (String kind : List.of(DocumentRef.MINUTES, DocumentRef.AGENDAS)) {
      Path kindDir = DocumentRef.MINUTES.equals(kind) ? site : site.resolve(AGENDAS_DIR);
      surveyPdfs(subdomain, kind, site, kindDir.resolve("pdfs"), fingerprint, problems, pdfs, refs, progress);
      surveyTexts(kind, site, kindDir.resolve("txt"), fingerprint, texts, partials, progress);
    }
    List<SiteSurvey.DiskDocument> documents = new ArrayList<>(pdfs.size());
    for (Map.Entry<String, long[]> pdf : pdfs.entrySet()) {
      String id = pdf.getKey();
      documents.add(new SiteSurvey.DiskDocument(refs.get(id), pdf.getValue()[0], pdf.getValue()[1],
          texts.getOrDefault(id, SiteSurvey.Text.NONE), partials.contains(id)));
    }
    return new SiteSurvey(List.copyOf(documents), List.copyOf(problems), fingerprint.value());
  }

  private void surveyPdfs(String subdomain, String kind, Path site, Path pdfs,
      SiteSurvey.Fingerprint fingerprint, List<String> problems, Map<String, long[]> found,
      Map<String, DocumentRef> refs, Runnable progress) {
    if (!Files.isDirectory(pdfs)) {
      return;
    }
    for (Path meetingDir : list(pdfs)) {
      BasicFileAttributes meetingAttrs = attributes(meetingDir);
      if (meetingAttrs == null) {
        continue;
      }
      if (!meetingAttrs.isDirectory()) {
        fingerprint.add(site.relativize(meetingDir).toString(), meetingAttrs.size(), mtime(meetingAttrs));
        problems.add(meetingDir + ": a file directly in pdfs/ (expected pdfs/{meeting}/{date}.pdf)");
        continue;
      }
      String meeting = meetingDir.getFileName().toString();
      progress.run();
      for (Path file : list(meetingDir)) {
        BasicFileAttributes attrs = attributes(file);
        if (attrs == null) {
          continue;
        }
        String name = file.getFileName().toString();
        if (attrs.isDirectory()) {
          problems.add(file + ": a folder inside a meeting folder (expected {date}.pdf files)");
          continue;
        }
        fingerprint.add(site.relativize(file).toString(), attrs.size(), mtime(attrs));
        if (!name.toLowerCase(Locale.ROOT).endsWith(".pdf")) {
          problems.add(file + ": not a .pdf file (skipped)");
          continue;
        }
        DocumentRef d = new DocumentRef(subdomain, kind, meeting, name.substring(0, name.length() - 4));
        try {
          if (!pdf(d).getFileName().toString().equals(name)) {
            // Only the lowercase extension round-trips through pdf(); rename such files.
            problems.add(file + ": the extension must be lowercase .pdf");
            continue;
          }
        } catch (InvalidNameException e) {
          problems.add(file + ": " + e.getMessage());
          continue;
        }
        found.put(d.id(), new long[] {attrs.size(), mtime(attrs)});
        refs.put(d.id(), d);
      }
    }
  }

  /**
   * Text folders {@code txt/{meeting}/{date}/}, and the half-written ones of OCR attempts
   * ({@code .partials/.{date}.{token}.partial/}, or beside the text folders where an older version
   * left them).
   */
  private static void surveyTexts(String kind, Path site, Path txt, SiteSurvey.Fingerprint fingerprint,
      Map<String, SiteSurvey.Text> texts, Set<String> partials, Runnable progress) {
    if (!Files.isDirectory(txt)) {
      return;
    }
    for (Path meetingDir : list(txt)) {
      if (!Files.isDirectory(meetingDir)) {
        continue;
      }
      String meeting = meetingDir.getFileName().toString();
      progress.run();
      List<Path> folders = new ArrayList<>(list(meetingDir));
      Path hidden = meetingDir.resolve(TextWriter.PARTIALS_DIR);
      if (Files.isDirectory(hidden)) {
        folders.addAll(list(hidden)); // the partial folders of attempts
      }
      for (Path folder : folders) {
        if (!Files.isDirectory(folder)) {
          continue;
        }
        String name = folder.getFileName().toString();
        String partialDate = TextWriter.partialDate(name);
        Set<Integer> pages = new TreeSet<>();
        int files = 0;
        long bytes = 0;
        int empty = 0;
        for (Path file : list(folder)) {
          BasicFileAttributes attrs = attributes(file);
          if (attrs == null || attrs.isDirectory()) {
            continue;
          }
          fingerprint.add(site.relativize(file).toString(), attrs.size(), mtime(attrs));
          Integer page = TextWriter.pageNumber(file.getFileName().toString());
          if (page != null) {
            pages.add(page);
            files++;
            bytes += attrs.size();
            empty += attrs.size() == 0 ? 1 : 0;
          }
        }
        if (partialDate == null && name.startsWith(".") && name.endsWith(PageRanges.RANGES_SUFFIX)) {
          partialDate = name.substring(1, name.length() - PageRanges.RANGES_SUFFIX.length());
        }
        if (partialDate != null) {
          partials.add(kind + "/" + meeting + "/" + partialDate);
        } else if (!name.startsWith(".") && files > 0) {
          int n = pages.size();
          int complete = pages.contains(1) && pages.contains(n) ? n : 0;
          texts.put(kind + "/" + meeting + "/" + name, new SiteSurvey.Text(complete, files, bytes, empty));
        }
      }
    }
  }

  static final String PARTIAL_SUFFIX = ".partial";

  /** A file's attributes (following a link inside the tree); null when it vanished meanwhile. */
  private static BasicFileAttributes attributes(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class);
    } catch (java.nio.file.NoSuchFileException gone) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long mtime(BasicFileAttributes attrs) {
    return attrs.lastModifiedTime().toMillis();
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

  /** Whether a crashed OCR attempt left a half-written text folder for the document. */
  public boolean hasPartialText(DocumentRef d) {
    return !TextWriter.partialDirs(meetingTextDir(d), d.date()).isEmpty() || Files.isDirectory(ranges(d).dir());
  }

  /** The page ranges of a long document OCRed apart. */
  public PageRanges ranges(DocumentRef d) {
    return new PageRanges(this, d);
  }

  /** SHA-256 of the document's PDF, hex. */
  public String sha256(DocumentRef d) throws IOException {
    java.security.MessageDigest sha;
    try {
      sha = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (java.io.InputStream in = Files.newInputStream(pdf(d))) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
    }
    return java.util.HexFormat.of().formatHex(sha.digest());
  }

  /** A PDF's size and last-modified time (milliseconds since the epoch). */
  public record PdfStat(long size, long mtime) {}

  /** The PDF's size and mtime, read before OCR reads it so that a change during OCR shows later. */
  public PdfStat pdfStat(DocumentRef d) throws IOException {
    BasicFileAttributes attrs = Files.readAttributes(pdf(d), BasicFileAttributes.class);
    return new PdfStat(attrs.size(), mtime(attrs));
  }

  /** The committed text folder's page files' sizes added up. */
  public long textBytes(DocumentRef d) throws IOException {
    long bytes = 0;
    for (Path file : list(textDir(d))) {
      if (TextWriter.pageNumber(file.getFileName().toString()) != null) {
        bytes += Files.size(file);
      }
    }
    return bytes;
  }

  /**
   * A writer for the document's text, with a partial folder of its own that holds the pages of the
   * earlier attempt that got furthest (taken over from it: see {@link TextWriter}).
   */
  public TextWriter textWriter(DocumentRef d) throws IOException {
    return TextWriter.open(textDir(d), meetingTextDir(d), d.date());
  }

  public void removeText(DocumentRef d) throws IOException {
    TextWriter.deleteTree(textDir(d));
    removePartialText(d);
  }

  /** Deletes the half-written text of every attempt at the document, page ranges included. */
  public void removePartialText(DocumentRef d) throws IOException {
    ranges(d).delete();
    for (Path partial : TextWriter.partialDirs(meetingTextDir(d), d.date())) {
      TextWriter.deleteTree(partial);
    }
  }
}
