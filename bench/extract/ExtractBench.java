import clerk.activities.extract.Motion;
import clerk.activities.extract.MotionExtractor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Measures clerk's MotionExtractor on the hand-labelled minutes in bench/extract/docs (see
 * docs/extraction.md for the matching rule). Run by bench/extract/run; a single-file program so it
 * needs nothing but the activities classes and their dependencies.
 *
 * <p>Usage: java -cp CLASSPATH ExtractBench.java DOCS_DIR [--verbose]
 */
public class ExtractBench {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> TITLES = Set.of("councillor", "councillors", "cllr", "cllrs", "mr", "mrs", "ms",
      "miss", "dr", "mayor", "deputy", "reeve", "commissioner", "commissioners", "trustee", "trustees",
      "supervisor", "supervisors", "chair", "chairman", "chairperson", "vice", "alderman", "member",
      "councilmember", "councilman", "councilwoman", "director", "president", "warden", "cathaoirleach");
  static final List<String> VOTE_KEYS = List.of("ayes", "nays", "abstain", "absent");

  record Labelled(int page, String mover, String seconder, String result, String text,
      Map<String, Integer> tally, Map<String, List<String>> votes) {}

  record Doc(String id, String style, boolean scanned, boolean heldOut, List<String> pages, List<Labelled> motions) {}

  /** Counts for one group of documents (all, one style, scanned or not). */
  static final class Score {
    int labelled, found, matched, mover, seconder, result, text, tallyHave, tally, votesHave, votes;

    void add(Score o) {
      labelled += o.labelled; found += o.found; matched += o.matched; mover += o.mover;
      seconder += o.seconder; result += o.result; text += o.text; tallyHave += o.tallyHave;
      tally += o.tally; votesHave += o.votesHave; votes += o.votes;
    }

    String line(String name, int docs) {
      double p = found == 0 ? 0 : (double) matched / found;
      double r = labelled == 0 ? 0 : (double) matched / labelled;
      double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
      return String.format(Locale.ROOT,
          "%-28s %4d %5d %5d %5d  %5.2f %5.2f %5.2f  %6s %6s %6s %6s %9s %9s", name, docs, labelled,
          found, matched, p, r, f1, pct(mover, matched), pct(seconder, matched), pct(result, matched),
          pct(text, matched), pct(tally, tallyHave) + "/" + tallyHave, pct(votes, votesHave) + "/" + votesHave);
    }

    static String pct(int n, int of) {
      return of == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * n / of);
    }
  }

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "bench/extract/docs");
    boolean verbose = Arrays.asList(args).contains("--verbose");
    List<Doc> docs = load(root);
    MotionExtractor extractor = new MotionExtractor();
    Score all = new Score();
    Map<String, Score> byStyle = new TreeMap<>();
    Map<String, Integer> docsByStyle = new TreeMap<>();
    Score scanned = new Score();
    Score digital = new Score();
    Score heldOut = new Score();
    Score tuning = new Score();
    int scannedDocs = 0;
    int heldOutDocs = 0;
    for (Doc d : docs) {
      Score s = score(d, extractor.extract(d.pages()), verbose);
      all.add(s);
      byStyle.computeIfAbsent(d.style(), k -> new Score()).add(s);
      docsByStyle.merge(d.style(), 1, Integer::sum);
      (d.scanned() ? scanned : digital).add(s);
      scannedDocs += d.scanned() ? 1 : 0;
      (d.heldOut() ? heldOut : tuning).add(s);
      heldOutDocs += d.heldOut() ? 1 : 0;
    }
    System.out.println(String.format(Locale.ROOT, "%-28s %4s %5s %5s %5s  %5s %5s %5s  %6s %6s %6s %6s %9s %9s",
        "group", "docs", "label", "found", "match", "P", "R", "F1", "mover", "second", "result", "text",
        "tally", "votes"));
    System.out.println(all.line("ALL", docs.size()));
    byStyle.forEach((style, s) -> System.out.println(s.line("style " + style, docsByStyle.get(style))));
    System.out.println(digital.line("born-digital", docs.size() - scannedDocs));
    System.out.println(scanned.line("scanned (OCR)", scannedDocs));
    System.out.println(tuning.line("seen while tuning", docs.size() - heldOutDocs));
    System.out.println(heldOut.line("held out (heldOut: true)", heldOutDocs));
    System.out.println();
    System.out.println(timing(extractor, docs));
  }

  static List<Doc> load(Path root) throws IOException {
    List<Doc> docs = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        JsonNode l = JSON.readTree(dir.resolve("labels.json").toFile());
        List<String> pages = new ArrayList<>();
        for (int i = 1; Files.exists(dir.resolve("page-" + i + ".txt")); i++) {
          pages.add(Files.readString(dir.resolve("page-" + i + ".txt")));
        }
        List<Labelled> motions = new ArrayList<>();
        for (JsonNode m : l.get("motions")) {
          Map<String, Integer> tally = new TreeMap<>();
          if (m.hasNonNull("tally")) {
            m.get("tally").fields().forEachRemaining(e -> tally.put(e.getKey(), e.getValue().asInt()));
          }
          Map<String, List<String>> votes = new TreeMap<>();
          if (m.hasNonNull("votes")) {
            m.get("votes").fields().forEachRemaining(e -> {
              List<String> names = new ArrayList<>();
              e.getValue().forEach(n -> names.add(n.asText()));
              votes.put(e.getKey(), names);
            });
          }
          motions.add(new Labelled(m.get("page").asInt(), text(m, "mover"), text(m, "seconder"),
              text(m, "result"), text(m, "text"), tally, votes));
        }
        docs.add(new Doc(dir.getFileName().toString(), l.get("style").asText(),
            l.get("scanned").asBoolean(), l.path("heldOut").asBoolean(false), pages, motions));
      }
    }
    return docs;
  }

  static String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : null;
  }

  /**
   * Pairs found motions with labelled ones in document order: a found motion on the same or an
   * adjacent page matches when its text starts like the label's, or when the label names a mover
   * and the found motion has the same mover and seconder.
   */
  static Score score(Doc d, List<Motion> found, boolean verbose) {
    Score s = new Score();
    s.labelled = d.motions().size();
    s.found = found.size();
    boolean[] used = new boolean[found.size()];
    for (Labelled l : d.motions()) {
      int hit = -1;
      for (int pass = 0; pass < 2 && hit < 0; pass++) {
        for (int i = 0; i < found.size() && hit < 0; i++) {
          Motion f = found.get(i);
          if (used[i] || Math.abs(f.page() - l.page()) > 1) {
            continue;
          }
          boolean text = textMatches(l.text(), f.motion());
          boolean people = l.mover() != null && sameName(l.mover(), f.mover())
              && sameName(l.seconder(), f.seconder());
          if (pass == 0 ? text : people) {
            hit = i;
          }
        }
      }
      if (hit < 0) {
        if (verbose) {
          System.out.println("MISSED " + d.id() + " p" + l.page() + " " + l.mover() + "/" + l.seconder()
              + " '" + l.text() + "'");
        }
        continue;
      }
      used[hit] = true;
      Motion f = found.get(hit);
      s.matched++;
      boolean mover = sameName(l.mover(), f.mover());
      boolean seconder = sameName(l.seconder(), f.seconder());
      boolean result = java.util.Objects.equals(l.result(), f.result());
      boolean text = textMatches(l.text(), f.motion());
      s.mover += mover ? 1 : 0;
      s.seconder += seconder ? 1 : 0;
      s.result += result ? 1 : 0;
      s.text += text ? 1 : 0;
      boolean tally = true;
      if (!l.tally().isEmpty()) {
        s.tallyHave++;
        Map<String, Integer> got = Map.of("ayes", nz(f.ayes()), "nays", nz(f.nays()),
            "abstain", nz(f.abstain()), "absent", nz(f.absent()));
        tally = l.tally().entrySet().stream().allMatch(e -> e.getValue().equals(got.get(e.getKey())));
        s.tally += tally ? 1 : 0;
      }
      boolean votes = true;
      if (!l.votes().isEmpty()) {
        s.votesHave++;
        votes = l.votes().entrySet().stream().allMatch(e -> sameNames(e.getValue(),
            f.votes().getOrDefault(e.getKey(), List.of())));
        s.votes += votes ? 1 : 0;
      }
      if (verbose && !(mover && seconder && result && text && tally && votes)) {
        System.out.println("WRONG  " + d.id() + " p" + l.page() + " want " + l.mover() + "/" + l.seconder()
            + " " + l.result() + " " + l.tally() + " '" + l.text() + "'\n" + "       got  p" + f.page() + " "
            + f.mover() + "/" + f.seconder() + " " + f.result() + " " + f.ayes() + "-" + f.nays() + "-"
            + f.abstain() + "-" + f.absent() + " " + f.votes() + " '" + clip(f.motion()) + "'");
      }
    }
    if (verbose) {
      for (int i = 0; i < found.size(); i++) {
        if (!used[i]) {
          Motion f = found.get(i);
          System.out.println("EXTRA  " + d.id() + " p" + f.page() + " " + f.mover() + "/" + f.seconder()
              + " '" + clip(f.motion()) + "'");
        }
      }
    }
    return s;
  }

  static int nz(Integer i) {
    return i == null ? -1 : i;
  }

  static String clip(String s) {
    return s == null ? null : s.length() > 90 ? s.substring(0, 90) + "…" : s;
  }

  /** Lower case, accents and punctuation gone, single spaces. */
  static String norm(String s) {
    String n = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    return n.toLowerCase(Locale.ROOT).replaceAll("['’‘‟`]", "").replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
  }

  /** The label's first five words, as a run starting within the found text's first eight words. */
  static boolean textMatches(String label, String found) {
    if (label == null || found == null) {
      return false;
    }
    List<String> want = Arrays.asList(norm(label).split(" "));
    want = want.subList(0, Math.min(5, want.size()));
    List<String> got = Arrays.asList(norm(found).split(" "));
    for (int start = 0; start <= 8 && start + want.size() <= got.size(); start++) {
      if (got.subList(start, start + want.size()).equals(want)) {
        return true;
      }
    }
    return false;
  }

  /** A name without titles, initials or "(J)"-style qualifiers. */
  static String person(String name) {
    List<String> words = new ArrayList<>();
    for (String w : norm(name.replaceAll("\\([^)]*\\)", " ")).split(" ")) {
      if (!w.isEmpty() && w.length() > 1 && !TITLES.contains(w)) {
        words.add(w);
      }
    }
    return String.join(" ", words);
  }

  /** Both absent, or the same person: equal, or one is the other's surname. */
  static boolean sameName(String label, String found) {
    if (label == null || found == null) {
      return label == null && found == null;
    }
    String a = person(label);
    String b = person(found);
    return !a.isEmpty() && (a.equals(b) || b.endsWith(" " + a) || a.endsWith(" " + b) && !b.isEmpty());
  }

  static boolean sameNames(List<String> label, List<String> found) {
    if (label.size() != found.size()) {
      return false;
    }
    Set<Integer> taken = new HashSet<>();
    for (String l : label) {
      int at = -1;
      for (int i = 0; i < found.size() && at < 0; i++) {
        if (!taken.contains(i) && sameName(l, found.get(i))) {
          at = i;
        }
      }
      if (at < 0) {
        return false;
      }
      taken.add(at);
    }
    return true;
  }

  /** Median time to extract a 100-page document made of the set's pages, after warming up. */
  static String timing(MotionExtractor extractor, List<Doc> docs) {
    List<String> pages = new ArrayList<>();
    while (pages.size() < 100) {
      for (Doc d : docs) {
        for (String p : d.pages()) {
          if (pages.size() < 100) {
            pages.add(p);
          }
        }
      }
    }
    int chars = pages.stream().mapToInt(String::length).sum();
    for (int i = 0; i < 3; i++) {
      extractor.extract(pages);
    }
    long[] ms = new long[5];
    for (int i = 0; i < ms.length; i++) {
      long t = System.nanoTime();
      extractor.extract(pages);
      ms[i] = (System.nanoTime() - t) / 1_000_000;
    }
    Arrays.sort(ms);
    return String.format(Locale.ROOT, "100-page document (%d chars): extraction %d ms (median of 5; target < 1000 ms)",
        chars, ms[2]);
  }
}
