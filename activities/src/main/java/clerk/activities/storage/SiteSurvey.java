package clerk.activities.storage;

import clerk.workflows.DocumentRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What one walk of a site's folder found: every document's PDF and text folder as the disk has them,
 * the files the walk had to skip (with why), and a fingerprint of the whole tree.
 *
 * @param documents the PDFs that are documents, ordered by id
 * @param problems files and folders that are not where or what the layout expects, skipped
 * @param fingerprint SHA-256 over the path, size and mtime of every file under {@code pdfs/} and
 *     {@code txt/} (both kinds): equal fingerprints mean nothing on disk changed in between
 */
public record SiteSurvey(List<DiskDocument> documents, List<String> problems, String fingerprint) {

  /**
   * One document on disk.
   *
   * @param pdfSize bytes of the PDF
   * @param pdfMtime the PDF's last-modified time, milliseconds since the epoch
   * @param text its committed text folder; {@link Text#NONE} when there is none
   * @param partial whether a half-written text folder of a crashed OCR attempt is there
   */
  public record DiskDocument(DocumentRef ref, long pdfSize, long pdfMtime, Text text, boolean partial) {
    public String id() {
      return ref.id();
    }
  }

  /**
   * A committed text folder.
   *
   * @param pages N when the folder holds exactly {@code page-1.txt … page-N.txt}, else 0
   * @param files how many page files it holds (more than {@code pages} when they are not 1..N)
   * @param bytes the page files' sizes added up
   * @param emptyPages page files of 0 bytes
   */
  public record Text(int pages, int files, long bytes, int emptyPages) {
    public static final Text NONE = new Text(0, 0, 0, 0);

    public boolean exists() {
      return files > 0;
    }

    /** Whether the folder is usable text: page files 1..N, nothing else. */
    public boolean complete() {
      return pages > 0;
    }
  }

  public List<DocumentRef> refs() {
    return documents.stream().map(DiskDocument::ref).toList();
  }

  /** Builds the fingerprint from entries fed in a fixed order. */
  static final class Fingerprint {
    private final MessageDigest sha;

    Fingerprint() {
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    void add(String relativePath, long size, long mtime) {
      sha.update((relativePath + '\0' + size + '\0' + mtime + '\n').getBytes(StandardCharsets.UTF_8));
    }

    String value() {
      return HexFormat.of().formatHex(sha.digest());
    }
  }
}
