package clerk.cli;

import clerk.activities.db.SiteRow;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The text of sites' live progress, from counter snapshots and the time they were taken: a line per
 * site with a bar, counts, rate and ETA of its current stage for a terminal, and plain lines for a log
 * (a site's line only when its stage or counts changed, at most every {@link #PLAIN_EVERY}). Draws
 * nothing itself, so it is tested with fixed snapshots and a fixed clock.
 */
final class ProgressView {
  /** The rate is the documents done over this last stretch of the stage (less at its start). */
  static final Duration RATE_WINDOW = Duration.ofSeconds(60);
  /** A plain line per site at most this often; a site's last line is printed at once. */
  static final Duration PLAIN_EVERY = Duration.ofSeconds(5);
  static final int BAR_WIDTH = 20;
  /** Site lines a terminal frame shows at most; the rest are summed up in one line. */
  static final int MAX_LINES = 20;

  /** Where a watched site is: the watch decides (it knows when a site was started, and Temporal). */
  enum State {
    /** started, the pipeline has not entered a stage yet */
    STARTING,
    RUNNING,
    COMPLETED,
    /** every document failed a stage: an operator must act */
    FAILED,
    /** not ended, and no pipeline runs for it */
    STOPPED;

    boolean ended() {
      return this == COMPLETED || this == FAILED || this == STOPPED;
    }

    String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One site as the last poll saw it. */
  record Site(SiteRow row, State state) {
    String subdomain() {
      return row.subdomain();
    }

    StageCounters stageCounters() {
      return row.counters(row.currentStage() == null || row.currentStage().isEnd() ? Stage.OCR : row.currentStage());
    }

    int failedDocuments() {
      return row.counters().stream().mapToInt(StageCounters::failed).sum();
    }

    /** What a plain line is printed for: the stage and the counts, not the rate. */
    String key() {
      return state + " " + row.currentStage() + " " + row.counters();
    }
  }

  private record Sample(Instant at, int done) {}

  private final Instant start;
  private final Map<String, Deque<Sample>> samples = new HashMap<>();
  private final Map<String, Stage> sampledStage = new HashMap<>();
  private final Map<String, String> printedKey = new HashMap<>();
  private final Map<String, Instant> printedAt = new HashMap<>();

  ProgressView(Instant start) {
    this.start = start;
  }

  /** Takes a poll's snapshots in: call once per poll, before {@link #frame} or {@link #plainLines}. */
  void record(List<Site> sites, Instant now) {
    for (Site s : sites) {
      Stage stage = s.row().currentStage();
      Deque<Sample> q = samples.computeIfAbsent(s.subdomain(), k -> new ArrayDeque<>());
      StageCounters c = s.stageCounters();
      int done = c.completed() + c.failed();
      if (stage != sampledStage.put(s.subdomain(), stage) || (!q.isEmpty() && done < q.getLast().done())) {
        q.clear(); // a new stage, or documents sent back (retry, reconciliation): a rate of its own
      }
      q.addLast(new Sample(now, done));
      // Keep one sample at or before the window's start, so the rate spans the whole window.
      while (q.size() > 2 && !second(q).at().isAfter(now.minus(RATE_WINDOW))) {
        q.removeFirst();
      }
    }
  }

  private static Sample second(Deque<Sample> q) {
    var i = q.iterator();
    i.next();
    return i.next();
  }

  /** Documents per second of the site's current stage, empty until it has been watched a second. */
  Optional<Double> rate(String subdomain) {
    return window(subdomain).map(w -> w.done() * 1000.0 / w.millis());
  }

  /** Time left in the site's current stage at its rate, empty when nothing moved in the window. */
  Optional<Duration> eta(Site site) {
    long remaining = site.stageCounters().remaining();
    return window(site.subdomain()).filter(w -> w.done() > 0)
        .map(w -> Duration.ofSeconds(ceilDiv(remaining * w.millis(), w.done() * 1000L)));
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  /** Documents done over how long, in the rate's window. */
  private record Window(int done, long millis) {}

  private Optional<Window> window(String subdomain) {
    Deque<Sample> q = samples.get(subdomain);
    if (q == null || q.size() < 2) {
      return Optional.empty();
    }
    long millis = Duration.between(q.getFirst().at(), q.getLast().at()).toMillis();
    return millis < 1000 ? Optional.empty() : Optional.of(new Window(q.getLast().done() - q.getFirst().done(), millis));
  }

  /** The terminal's lines: one per site (unfinished first when there are too many), in place. */
  List<String> frame(List<Site> sites) {
    List<Site> shown = sites;
    String rest = null;
    if (sites.size() > MAX_LINES) {
      List<Site> ordered = new ArrayList<>(sites.stream().filter(s -> !s.state().ended()).toList());
      ordered.addAll(sites.stream().filter(s -> s.state().ended()).toList());
      shown = ordered.subList(0, MAX_LINES - 1);
      rest = "… " + summary(ordered.subList(MAX_LINES - 1, ordered.size()), "more");
    }
    List<String> lines = new ArrayList<>();
    for (Site s : shown) {
      lines.add(String.format("%-24s %-11s %s", s.subdomain(), stageWord(s), terminalDetail(s)).stripTrailing());
    }
    if (rest != null) {
      lines.add(rest);
    }
    return lines;
  }

  private String terminalDetail(Site s) {
    if (s.state() == State.STARTING) {
      return "";
    }
    StageCounters c = s.stageCounters();
    if (s.state() == State.STOPPED) {
      return bar(c.completed() + c.failed(), c.total()) + "  " + stopped(s);
    }
    if (s.state().ended()) {
      int total = s.row().counters(Stage.OCR).total();
      return bar(s.state() == State.COMPLETED ? 1 : 0, 1) + "  " + ended(s, total);
    }
    return bar(c.completed() + c.failed(), c.total()) + String.format(" %5d/%-5d", c.completed(), c.total())
        + (c.failed() > 0 ? "  " + c.failed() + " failed" : "") + rateAndEta(s, "  ");
  }

  /** The sites' plain lines for this poll: those whose stage or counts changed since their last one. */
  List<String> plainLines(List<Site> sites, Instant now) {
    List<String> lines = new ArrayList<>();
    for (Site s : sites) {
      String key = s.key();
      if (key.equals(printedKey.get(s.subdomain()))) {
        continue;
      }
      Instant last = printedAt.get(s.subdomain());
      if (last != null && !s.state().ended() && Duration.between(last, now).compareTo(PLAIN_EVERY) < 0) {
        continue; // changed, but printed lately: the change shows in a later line
      }
      printedKey.put(s.subdomain(), key);
      printedAt.put(s.subdomain(), now);
      lines.add(String.format("[%6.1fs] %-24s %s", Duration.between(start, now).toMillis() / 1000.0,
          s.subdomain(), plainDetail(s)));
    }
    return lines;
  }

  private String plainDetail(Site s) {
    if (s.state() == State.STARTING) {
      return "starting";
    }
    if (s.state() == State.STOPPED) {
      return "stopped: " + stopped(s);
    }
    if (s.state().ended()) {
      return s.state().word() + ": " + ended(s, s.row().counters(Stage.OCR).total());
    }
    StageCounters c = s.stageCounters();
    return c.stage().dbName() + " " + c.completed() + "/" + c.total()
        + (c.failed() > 0 ? ", " + c.failed() + " failed" : "") + rateAndEta(s, ", ");
  }

  /** Where a site stopped: a reconciliation starts its pipeline again, or 'clerk start'. */
  private static String stopped(Site s) {
    Stage stage = s.row().currentStage();
    if (stage == null || stage.isEnd()) {
      return "no pipeline runs";
    }
    StageCounters c = s.stageCounters();
    return "in " + stage.dbName() + " at " + c.completed() + "/" + c.total()
        + (c.failed() > 0 ? ", " + c.failed() + " failed" : "") + ", no pipeline runs";
  }

  private static String ended(Site s, int total) {
    int failed = s.failedDocuments();
    return total + (total == 1 ? " document" : " documents") + (failed > 0 ? ", " + failed + " failed" : "");
  }

  private String rateAndEta(Site s, String separator) {
    Optional<Double> rate = rate(s.subdomain());
    if (rate.isEmpty()) {
      return "";
    }
    return separator + rate(rate.get()) + separator + "ETA " + eta(s).map(ProgressView::duration).orElse("-");
  }

  /** The last line: how the watched sites ended, or where they are. */
  static String summary(List<Site> sites, String what) {
    Map<State, Integer> by = new java.util.EnumMap<>(State.class);
    sites.forEach(s -> by.merge(s.state(), 1, Integer::sum));
    int failedDocuments = sites.stream().mapToInt(Site::failedDocuments).sum();
    List<String> parts = new ArrayList<>();
    by.forEach((state, n) -> parts.add(n + " " + state.word()));
    return sites.size() + (sites.size() == 1 ? " site " : " sites ") + what + ": " + String.join(", ", parts)
        + (failedDocuments > 0 ? "; " + failedDocuments + (failedDocuments == 1 ? " document" : " documents")
            + " failed" : "");
  }

  private static String stageWord(Site s) {
    return s.state() == State.RUNNING ? s.stageCounters().stage().dbName() : s.state().word();
  }

  static String bar(int done, int total) {
    int filled = total <= 0 ? BAR_WIDTH : (int) ((long) BAR_WIDTH * Math.min(done, total) / total);
    return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
  }

  static String rate(double perSecond) {
    return perSecond >= 0.5 || perSecond == 0
        ? String.format(Locale.ROOT, "%.1f docs/s", perSecond)
        : String.format(Locale.ROOT, "%.1f docs/min", perSecond * 60);
  }

  static String duration(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    return s < 3600 ? String.format("%dm%02ds", s / 60, s % 60) : String.format("%dh%02dm", s / 3600, s % 3600 / 60);
  }
}
