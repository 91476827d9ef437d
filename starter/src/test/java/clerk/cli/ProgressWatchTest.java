package clerk.cli;

import static clerk.cli.ProgressViewTest.T0;
import static clerk.cli.ProgressViewTest.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clerk.activities.db.DatabaseException;
import clerk.activities.db.SitePolls;
import clerk.activities.db.SiteRow;
import clerk.cli.ProgressView.Site;
import clerk.cli.ProgressView.State;
import clerk.workflows.Stage;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** When a watch ends and with which exit code, from scripted polls on a clock that moves as it sleeps. */
class ProgressWatchTest {
  /** A clock that stands still until the watch sleeps. */
  static final class SteppedClock extends Clock {
    Instant now = T0;

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  final SteppedClock clock = new SteppedClock();
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final List<Instant> askedTemporal = new ArrayList<>();

  ProgressWatch watch(Supplier<List<SiteRow>> rows, Predicate<String> running, boolean terminal) {
    Predicate<String> asked = site -> {
      askedTemporal.add(clock.now);
      return running.test(site);
    };
    return new ProgressWatch(sites -> new SitePolls.Poll(clock.now, rows.get()), asked,
        new PrintStream(out, true, StandardCharsets.UTF_8), terminal, clock, d -> clock.now = clock.now.plus(d));
  }

  /** Each poll takes the next rows; the last ones stay. */
  static Supplier<List<SiteRow>> script(SiteRow... rows) {
    int[] i = {0};
    return () -> List.of(rows[Math.min(i[0]++, rows.length - 1)]);
  }

  static SiteRow updatedAt(SiteRow r, Instant at) {
    return new SiteRow(r.subdomain(), r.name(), r.currentStage(), r.counters(), r.coordinatorEnqueued(), r.note(),
        r.startedAt(), r.completedAt(), at, null, null, null, null, List.of());
  }

  List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void aWatchEndsWhenTheSiteCompletedAndExitsZeroWithoutFailures() throws Exception {
    ProgressWatch.Outcome outcome = watch(script(row("a.ca.us", Stage.OCR, 2, 0, 0), row("a.ca.us", Stage.OCR, 2, 1, 0),
        row("a.ca.us", Stage.COMPLETED, 2, 2, 0)), s -> true, false).watch(List.of("a.ca.us"), null, null);
    assertThat(outcome).isEqualTo(new ProgressWatch.Outcome(0, true));
    assertThat(lines()).containsExactly(
        "[   0.0s] a.ca.us                  ocr 0/2",
        "[   2.0s] a.ca.us                  completed: 2 documents",
        "1 site ended: 1 completed");
    assertThat(askedTemporal).as("progress without a stall: Temporal not asked").isEmpty();
  }

  @Test
  void aFailedDocumentMakesTheExitCodeOne() throws Exception {
    ProgressWatch.Outcome outcome = watch(script(row("a.ca.us", Stage.COMPLETED, 3, 2, 1)), s -> true, false)
        .watch(List.of("a.ca.us"), null, null);
    assertThat(outcome).isEqualTo(new ProgressWatch.Outcome(1, true));
    assertThat(lines()).last().isEqualTo("1 site ended: 1 completed; 1 document failed");
  }

  @Test
  void aSiteStartedAgainEndsOnlyWhenItsPipelineWroteItsEndAfterTheStart() throws Exception {
    SiteRow before = updatedAt(row("a.ca.us", Stage.COMPLETED, 2, 2, 0), T0.minusSeconds(60));
    SiteRow after = updatedAt(row("a.ca.us", Stage.COMPLETED, 2, 2, 0), T0.plusSeconds(3));
    ProgressWatch.Outcome outcome = watch(script(before, before, before, after), s -> true, false)
        .watch(List.of("a.ca.us"), T0, null);
    assertThat(outcome.exitCode()).isZero();
    assertThat(clock.now).as("four polls, a second apart").isEqualTo(T0.plusSeconds(3));
    assertThat(lines()).containsExactly(
        "[   0.0s] a.ca.us                  starting",
        "[   3.0s] a.ca.us                  completed: 2 documents",
        "1 site ended: 1 completed");
  }

  @Test
  void aStalledSiteWithoutAPipelineIsStoppedAndExitsOne() throws Exception {
    ProgressWatch.Outcome outcome = watch(script(row("a.ca.us", Stage.OCR, 2, 1, 0)), s -> false, false)
        .watch(List.of("a.ca.us"), null, null);
    assertThat(outcome).isEqualTo(new ProgressWatch.Outcome(1, true));
    assertThat(askedTemporal).containsExactly(T0.plus(ProgressWatch.STALL));
    assertThat(lines()).containsExactly(
        "[   0.0s] a.ca.us                  ocr 1/2",
        "[  30.0s] a.ca.us                  stopped: in ocr at 1/2, no pipeline runs",
        "1 site ended: 1 stopped");
  }

  @Test
  void aStalledSiteWhosePipelineRunsIsWaitedForUntilTheTimeout() throws Exception {
    ProgressWatch.Outcome outcome = watch(script(row("a.ca.us", Stage.OCR, 2, 1, 0)), s -> true, false)
        .watch(List.of("a.ca.us"), null, Duration.ofSeconds(100));
    assertThat(outcome).isEqualTo(new ProgressWatch.Outcome(1, false));
    assertThat(askedTemporal).as("once every 30 s without change").containsExactly(
        T0.plusSeconds(30), T0.plusSeconds(60), T0.plusSeconds(90));
    assertThat(lines()).last().isEqualTo("timed out after 1m40s; the pipelines go on. 1 site watched: 1 running");
  }

  @Test
  void aBriefDatabaseOutageIsWaitedOutAndALongOneIsExitThree() throws Exception {
    int[] polls = {0};
    Supplier<List<SiteRow>> flaky = () -> {
      if (++polls[0] <= 10) {
        throw new DatabaseException(new SQLException("Connection refused", "08001"));
      }
      return List.of(row("a.ca.us", Stage.COMPLETED, 1, 1, 0));
    };
    assertThat(watch(flaky, s -> true, false).watch(List.of("a.ca.us"), null, null).exitCode()).isZero();

    Supplier<List<SiteRow>> down = () -> {
      throw new DatabaseException(new SQLException("Connection refused", "08001"));
    };
    clock.now = T0;
    assertThatThrownBy(() -> watch(down, s -> true, false).watch(List.of("a.ca.us"), null, null))
        .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode).isEqualTo(3))
        .hasMessageStartingWith("the database cannot be reached (Connection refused)");
    assertThat(clock.now).isEqualTo(T0.plus(ProgressWatch.OUTAGE));
  }

  @Test
  void temporalUnreachableWhenAskedAboutAStalledSiteIsExitThree() {
    Predicate<String> unreachable = s -> {
      throw Status.UNAVAILABLE.withDescription("io exception").asRuntimeException();
    };
    assertThatThrownBy(() -> watch(script(row("a.ca.us", Stage.OCR, 2, 1, 0)), unreachable, false)
        .watch(List.of("a.ca.us"), null, null))
        .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode).isEqualTo(3))
        .hasMessageContaining("Temporal cannot be reached (UNAVAILABLE: io exception)");
  }

  @Test
  void onATerminalEachPollRedrawsTheSameLinesInPlaceWithoutWrapping() throws Exception {
    watch(script(row("a.ca.us", Stage.OCR, 2, 1, 0), row("a.ca.us", Stage.COMPLETED, 2, 2, 0)), s -> true, true)
        .watch(List.of("a.ca.us"), null, null);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
        "\033[?7l\r\033[2Ka.ca.us                  ocr         [##########..........]     1/2\n\033[J\033[?7h"
            + "\033[?7l\033[1A\r\033[2Ka.ca.us                  completed   [####################]  2 documents\n"
            + "\033[J\033[?7h"
            + "1 site ended: 1 completed\n");
  }

  @Test
  void aSiteStartedAgainHasEndedOnlyOnceItsRowChangedAfterTheStart() {
    SiteRow completedBefore = row("a.ca.us", Stage.COMPLETED, 3, 3, 0); // updated at T0
    assertThat(ProgressWatch.state(completedBefore, T0.plusSeconds(1), false)).isEqualTo(State.STARTING);
    assertThat(ProgressWatch.state(completedBefore, T0, false)).isEqualTo(State.COMPLETED);
    assertThat(ProgressWatch.state(completedBefore, null, false)).as("watch: as it is").isEqualTo(State.COMPLETED);
    assertThat(ProgressWatch.state(row("a.ca.us", Stage.OCR, 3, 1, 0), null, true)).isEqualTo(State.STOPPED);
    assertThat(ProgressWatch.state(row("a.ca.us", Stage.FAILED, 3, 0, 3), null, false)).isEqualTo(State.FAILED);
  }

  @Test
  void theExitCodeIsZeroOnlyWhenEverySiteCompletedWithoutAFailedDocument() {
    Site clean = new Site(row("a.ca.us", Stage.COMPLETED, 3, 3, 0), State.COMPLETED);
    Site oneFailed = new Site(row("b.ca.us", Stage.COMPLETED, 3, 2, 1), State.COMPLETED);
    Site stopped = new Site(row("c.ca.us", Stage.OCR, 3, 1, 0), State.STOPPED);
    assertThat(ProgressWatch.exitCode(List.of(clean))).isZero();
    assertThat(ProgressWatch.exitCode(List.of(clean, oneFailed))).isEqualTo(1);
    assertThat(ProgressWatch.exitCode(List.of(clean, stopped))).isEqualTo(1);
  }
}
