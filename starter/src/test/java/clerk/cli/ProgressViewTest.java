package clerk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.SiteRow;
import clerk.cli.ProgressView.Site;
import clerk.cli.ProgressView.State;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the progress display shows, from fixed counter snapshots at fixed times. */
class ProgressViewTest {
  static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

  /**
   * A site in {@code stage} whose stage has {@code total} documents, {@code completed} and {@code failed}
   * of them done, every earlier stage done; an ended site's failures were in OCR.
   */
  static SiteRow row(String site, Stage stage, int total, int completed, int failed) {
    List<StageCounters> counters = new ArrayList<>();
    for (Stage s : Stage.PIPELINE) {
      if (stage.isEnd()) {
        counters.add(s == Stage.OCR ? new StageCounters(s, total, completed, failed)
            : new StageCounters(s, completed, completed, 0));
      } else {
        counters.add(s == stage ? new StageCounters(s, total, completed, failed)
            : s.ordinal() < stage.ordinal() ? new StageCounters(s, total, total, 0) : new StageCounters(s, 0, 0, 0));
      }
    }
    return new SiteRow(site, "", stage, counters, true, null, T0, null, T0, null, null, null, null, List.of());
  }

  static Site running(String site, Stage stage, int total, int completed, int failed) {
    return new Site(row(site, stage, total, completed, failed), State.RUNNING);
  }

  static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void theBarFillsWithTheDocumentsDoneOfTheStage() {
    assertThat(ProgressView.bar(0, 100)).isEqualTo("[....................]");
    assertThat(ProgressView.bar(45, 100)).isEqualTo("[#########...........]");
    assertThat(ProgressView.bar(100, 100)).isEqualTo("[####################]");
    assertThat(ProgressView.bar(0, 0)).as("nothing to do is done").isEqualTo("[####################]");
  }

  @Test
  void aTerminalLineShowsStageBarCountsRateAndEta() {
    ProgressView view = new ProgressView(T0);
    view.record(List.of(running("alameda.ca.us", Stage.OCR, 100, 10, 0)), at(0));
    assertThat(view.frame(List.of(running("alameda.ca.us", Stage.OCR, 100, 10, 0)))).containsExactly(
        "alameda.ca.us            ocr         [##..................]    10/100");

    List<Site> later = List.of(running("alameda.ca.us", Stage.OCR, 100, 28, 2));
    view.record(later, at(10));
    // 20 documents done in 10 s: 2 a second, 70 left: 35 s.
    assertThat(view.frame(later)).containsExactly(
        "alameda.ca.us            ocr         [######..............]    28/100    2 failed  2.0 docs/s  ETA 35s");
  }

  @Test
  void aSlowStageIsShownInDocumentsPerMinuteAndALongEtaInHoursAndMinutes() {
    ProgressView view = new ProgressView(T0);
    view.record(List.of(running("a.ca.us", Stage.OCR, 1000, 0, 0)), at(0));
    Site s = running("a.ca.us", Stage.OCR, 1000, 6, 0);
    view.record(List.of(s), at(60));
    assertThat(view.rate("a.ca.us")).hasValue(0.1);
    assertThat(view.eta(s)).hasValue(Duration.ofSeconds(9940));
    assertThat(view.frame(List.of(s)).get(0)).endsWith("6.0 docs/min  ETA 2h45m");
  }

  @Test
  void theRateIsOverTheLastMinuteSoAStalledStageHasNoEta() {
    ProgressView view = new ProgressView(T0);
    view.record(List.of(running("a.ca.us", Stage.OCR, 100, 0, 0)), at(0));
    view.record(List.of(running("a.ca.us", Stage.OCR, 100, 60, 0)), at(60));
    Site stalled = running("a.ca.us", Stage.OCR, 100, 60, 0);
    view.record(List.of(stalled), at(120));
    assertThat(view.rate("a.ca.us")).hasValue(0.0);
    assertThat(view.eta(stalled)).isEmpty();
    assertThat(view.frame(List.of(stalled)).get(0)).endsWith("0.0 docs/s  ETA -");
  }

  @Test
  void aNewStageStartsItsOwnRate() {
    ProgressView view = new ProgressView(T0);
    view.record(List.of(running("a.ca.us", Stage.OCR, 100, 0, 0)), at(0));
    view.record(List.of(running("a.ca.us", Stage.OCR, 100, 50, 0)), at(10));
    view.record(List.of(running("a.ca.us", Stage.COMPILATION, 100, 0, 0)), at(11));
    assertThat(view.rate("a.ca.us")).as("one sample of compilation").isEmpty();
    Site compiling = running("a.ca.us", Stage.COMPILATION, 100, 10, 0);
    view.record(List.of(compiling), at(12));
    assertThat(view.rate("a.ca.us")).hasValue(10.0);
    assertThat(view.eta(compiling)).hasValue(Duration.ofSeconds(9));
  }

  @Test
  void documentsSentBackStartANewRateRatherThanANegativeOne() {
    ProgressView view = new ProgressView(T0);
    view.record(List.of(running("a.ca.us", Stage.OCR, 10, 0, 0)), at(0));
    view.record(List.of(running("a.ca.us", Stage.OCR, 10, 8, 2)), at(10));
    view.record(List.of(running("a.ca.us", Stage.OCR, 10, 8, 0)), at(11)); // clerk retry: 2 back to pending
    assertThat(view.rate("a.ca.us")).isEmpty();
    view.record(List.of(running("a.ca.us", Stage.OCR, 10, 9, 0)), at(13));
    assertThat(view.rate("a.ca.us")).hasValue(0.5);
  }

  @Test
  void anEndedSiteShowsItsDocumentsAndFailures() {
    ProgressView view = new ProgressView(T0);
    List<Site> sites = List.of(
        new Site(row("a.ca.us", Stage.COMPLETED, 12, 10, 2), State.COMPLETED),
        new Site(row("b.ca.us", Stage.FAILED, 3, 0, 3), State.FAILED),
        new Site(row("c.ca.us", Stage.OCR, 5, 0, 0), State.STARTING),
        new Site(row("d.ca.us", Stage.COMPILATION, 4, 1, 0), State.STOPPED));
    view.record(sites, at(0));
    assertThat(view.frame(sites)).containsExactly(
        "a.ca.us                  completed   [####################]  12 documents, 2 failed",
        "b.ca.us                  failed      [....................]  3 documents, 3 failed",
        "c.ca.us                  starting",
        "d.ca.us                  stopped     [#####...............]  in compilation at 1/4, no pipeline runs");
    assertThat(ProgressView.summary(sites, "ended"))
        .isEqualTo("4 sites ended: 1 starting, 1 completed, 1 failed, 1 stopped; 5 documents failed");
  }

  @Test
  void aTerminalShowsAtMostTwentyLinesUnfinishedSitesFirst() {
    List<Site> sites = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sites.add(new Site(row("done" + i + ".ca.us", Stage.COMPLETED, 1, 1, 0), State.COMPLETED));
    }
    for (int i = 0; i < 15; i++) {
      sites.add(running("busy" + i + ".ca.us", Stage.OCR, 10, 1, 0));
    }
    List<String> frame = new ProgressView(T0).frame(sites);
    assertThat(frame).hasSize(20);
    assertThat(frame.subList(0, 15)).allMatch(l -> l.startsWith("busy"));
    assertThat(frame.get(19)).isEqualTo("… 6 sites more: 6 completed");
  }

  @Test
  void plainLinesComeOnlyWhenASitesStageOrCountsChangeAndAtMostEveryFiveSeconds() {
    ProgressView view = new ProgressView(T0);
    List<String> printed = new ArrayList<>();
    int[][] polls = {{0, 0}, {1, 0}, {2, 3}, {4, 4}, {5, 4}, {6, 4}, {11, 4}, {12, 9}};
    for (int[] p : polls) {
      List<Site> sites = List.of(running("a.ca.us", Stage.OCR, 10, p[1], 0));
      view.record(sites, at(p[0]));
      printed.addAll(view.plainLines(sites, at(p[0])));
    }
    assertThat(printed).containsExactly(
        "[   0.0s] a.ca.us                  ocr 0/10",
        // changed at 2 s and 4 s, printed at 5 s with the counts then
        "[   5.0s] a.ca.us                  ocr 4/10, 0.8 docs/s, ETA 8s",
        // unchanged at 6 and 11 s: nothing; changed at 12 s, more than 5 s after the last line
        "[  12.0s] a.ca.us                  ocr 9/10, 0.8 docs/s, ETA 2s");
  }

  @Test
  void aSitesEndIsPrintedAtOnceAndOnlyOnce() {
    ProgressView view = new ProgressView(T0);
    List<Site> first = List.of(running("a.ca.us", Stage.DEPLOY, 10, 9, 0));
    view.record(first, at(0));
    assertThat(view.plainLines(first, at(0))).hasSize(1);
    List<Site> done = List.of(new Site(row("a.ca.us", Stage.COMPLETED, 10, 9, 1), State.COMPLETED));
    view.record(done, at(1));
    assertThat(view.plainLines(done, at(1))).containsExactly(
        "[   1.0s] a.ca.us                  completed: 10 documents, 1 failed");
    view.record(done, at(7));
    assertThat(view.plainLines(done, at(7))).isEmpty();
  }

  @Test
  void durationsReadAsSecondsMinutesOrHours() {
    assertThat(ProgressView.duration(Duration.ofSeconds(42))).isEqualTo("42s");
    assertThat(ProgressView.duration(Duration.ofSeconds(245))).isEqualTo("4m05s");
    assertThat(ProgressView.duration(Duration.ofSeconds(3720))).isEqualTo("1h02m");
  }
}
