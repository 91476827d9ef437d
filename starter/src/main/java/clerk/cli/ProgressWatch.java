package clerk.cli;

import clerk.activities.db.DatabaseException;
import clerk.activities.db.SitePolls;
import clerk.activities.db.SiteRow;
import clerk.workflows.Stage;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import picocli.CommandLine;

/**
 * Watches sites until each has ended, from their counters in PostgreSQL: one query for all of them per
 * {@link #POLL}, drawn by {@link ProgressView} in place on a terminal or as plain lines elsewhere.
 * Stopping the watch (Ctrl-C) leaves the pipelines running. An instance serves one watch.
 */
final class ProgressWatch {
  static final Duration POLL = Duration.ofSeconds(1);
  /** A site unchanged this long is checked in Temporal: does its pipeline still run? */
  static final Duration STALL = Duration.ofSeconds(30);
  /** The database unreachable this long (the worker restarts its embedded one in about a second): exit 3. */
  static final Duration OUTAGE = Duration.ofSeconds(30);

  /** How the watch ended: the exit code, and whether every site ended (false: timed out). */
  record Outcome(int exitCode, boolean ended) {}

  /** The rows of the watched sites ({@link SitePolls#of}). */
  interface Poller {
    SitePolls.Poll poll(List<String> sites);
  }

  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final Poller polls;
  private final Predicate<String> pipelineRunning;
  private final PrintStream out;
  private final boolean terminal;
  private final Clock clock;
  private final Sleeper sleeper;
  /** Lines of the last terminal frame, redrawn over by the next. */
  private int drawn;
  private final Map<String, String> lastKey = new HashMap<>();
  private final Map<String, Instant> changedAt = new HashMap<>();
  private final Set<String> stopped = new HashSet<>();
  private Instant unreachableSince;

  /**
   * @param pipelineRunning whether a site's pipeline runs now (Temporal)
   * @param terminal redraw lines in place (else plain lines)
   */
  ProgressWatch(Poller polls, Predicate<String> pipelineRunning, PrintStream out, boolean terminal, Clock clock,
      Sleeper sleeper) {
    this.polls = polls;
    this.pipelineRunning = pipelineRunning;
    this.out = out;
    this.terminal = terminal;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** For the command line: on a terminal when stdout is one and ANSI is not turned off (picocli's test). */
  static ProgressWatch onStdout(Services services) {
    Predicate<String> running = services.pipelines()::isRunning; // first: no worker, no database of our own
    return new ProgressWatch(new SitePolls(services.repository().dataSource())::of, running,
        System.out, CommandLine.Help.Ansi.AUTO.enabled(), Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
  }

  /** The database's time now: what {@link #watch}'s {@code startedSince} compares with. */
  Instant databaseNow(List<String> sites) {
    return polls.poll(sites).at();
  }

  /**
   * Watches until every site has ended or {@code timeout} (null: none) passes.
   *
   * @param startedSince sites just started: ended only once their row was updated at or after this
   *     database time (a completed site started again still says completed until its pipeline moves)
   * @return exit 0 when every site completed with no failed document, 1 when documents failed, a site
   *     failed or stopped, or the timeout passed; a service lost for good throws (exit 3)
   */
  Outcome watch(List<String> sites, Instant startedSince, Duration timeout) throws InterruptedException {
    Instant start = clock.instant();
    ProgressView view = new ProgressView(start);
    while (true) {
      Instant now = clock.instant();
      Optional<SitePolls.Poll> poll = poll(sites, now);
      if (poll.isEmpty()) {
        sleeper.sleep(POLL);
        continue;
      }
      List<ProgressView.Site> states = poll.get().sites().stream().map(r -> observe(r, startedSince, now)).toList();
      view.record(states, now);
      draw(view, states, now);
      if (states.stream().allMatch(s -> s.state().ended())) {
        out.println(ProgressView.summary(states, "ended"));
        return new Outcome(exitCode(states), true);
      }
      if (timeout != null && Duration.between(start, now).compareTo(timeout) >= 0) {
        out.println("timed out after " + ProgressView.duration(timeout) + "; the pipelines go on. "
            + ProgressView.summary(states, "watched"));
        return new Outcome(1, false);
      }
      sleeper.sleep(POLL);
    }
  }

  /** The watched sites' rows; empty while the database cannot be reached, exit 3 when that lasts. */
  private Optional<SitePolls.Poll> poll(List<String> sites, Instant now) {
    try {
      SitePolls.Poll poll = polls.poll(sites);
      unreachableSince = null;
      return Optional.of(poll);
    } catch (DatabaseException e) {
      unreachableSince = unreachableSince == null ? now : unreachableSince;
      if (Duration.between(unreachableSince, now).compareTo(OUTAGE) >= 0) {
        throw new CliException(3, "the database cannot be reached (" + e.getMessage() + "); the pipelines"
            + " go on: 'clerk watch' again later");
      }
      return Optional.empty();
    }
  }

  /** Where a site is; one unchanged for {@link #STALL} is checked in Temporal (again after each STALL). */
  private ProgressView.Site observe(SiteRow row, Instant startedSince, Instant now) {
    String key = row.currentStage() + " " + row.counters() + " " + row.updatedAt();
    if (!key.equals(lastKey.put(row.subdomain(), key))) {
      changedAt.put(row.subdomain(), now);
    }
    ProgressView.State state = state(row, startedSince, stopped.contains(row.subdomain()));
    if (!state.ended() && Duration.between(changedAt.get(row.subdomain()), now).compareTo(STALL) >= 0) {
      changedAt.put(row.subdomain(), now);
      if (!running(row.subdomain())) {
        stopped.add(row.subdomain());
        state = ProgressView.State.STOPPED;
      }
    }
    return new ProgressView.Site(row, state);
  }

  static ProgressView.State state(SiteRow row, Instant startedSince, boolean stopped) {
    Stage stage = row.currentStage();
    boolean current = startedSince == null || (row.updatedAt() != null && !row.updatedAt().isBefore(startedSince));
    if (stage != null && stage.isEnd() && current) {
      return stage == Stage.COMPLETED ? ProgressView.State.COMPLETED : ProgressView.State.FAILED;
    }
    if (stopped) {
      return ProgressView.State.STOPPED;
    }
    return stage == null || stage.isEnd() ? ProgressView.State.STARTING : ProgressView.State.RUNNING;
  }

  static int exitCode(List<ProgressView.Site> sites) {
    boolean clean = sites.stream().allMatch(s -> s.state() == ProgressView.State.COMPLETED && s.failedDocuments() == 0);
    return clean ? 0 : 1;
  }

  private boolean running(String site) {
    try {
      return pipelineRunning.test(site);
    } catch (RuntimeException e) {
      throw new CliException(3, "Temporal cannot be reached (" + e.getMessage() + "); the pipelines go on");
    }
  }

  private void draw(ProgressView view, List<ProgressView.Site> sites, Instant now) {
    if (!terminal) {
      view.plainLines(sites, now).forEach(out::println);
      out.flush();
      return;
    }
    StringBuilder frame = new StringBuilder("\033[?7l"); // no wrapping: a long line is cut, not folded
    if (drawn > 0) {
      frame.append("\033[").append(drawn).append('A');
    }
    List<String> lines = view.frame(sites);
    for (String line : lines) {
      frame.append("\r\033[2K").append(line).append('\n');
    }
    frame.append("\033[J\033[?7h");
    out.print(frame);
    out.flush();
    drawn = lines.size();
  }
}
