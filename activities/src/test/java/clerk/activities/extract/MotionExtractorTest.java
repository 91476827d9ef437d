package clerk.activities.extract;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.sample.SampleDocument;
import clerk.activities.sample.SampleSites;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MotionExtractorTest {
  final MotionExtractor extractor = new MotionExtractor();

  /** A motion in one line, so a whole document's motions compare at a glance. */
  static String line(Motion m) {
    return "p" + m.page() + " #" + m.seq() + " " + m.mover() + "/" + m.seconder() + " '" + m.motion()
        + "' " + m.result() + " " + m.ayes() + "-" + m.nays() + "-" + m.abstain() + "-" + m.absent()
        + " " + m.votes();
  }

  static List<String> lines(List<Motion> motions) {
    return motions.stream().map(MotionExtractorTest::line).toList();
  }

  @Test
  void consentCalendarWithRollCallAndAnAbsentMember() {
    // Alameda-style minutes.
    List<Motion> motions = extractor.extract(List.of("""
        ROLL CALL - Present: Councilmembers Daysog, Herrera Spencer, Jensen, Vella and
        Mayor Ashcraft - 5. Absent: None.

        6. CONSENT CALENDAR
        Motion by Councilmember Daysog, seconded by Vice Mayor Herrera Spencer, to
        approve the Consent Calendar, with the exception of Item 6-C. Motion carried by
        the following vote:
        AYES: Councilmembers Daysog, Jensen, Herrera Spencer and Mayor Ashcraft (4).
        NOES: None. ABSTAIN: None. ABSENT: Councilmember Vella (1).

        7. REGULAR AGENDA ITEMS
        """));

    assertThat(motions).singleElement().satisfies(m -> {
      assertThat(m.page()).isEqualTo(1);
      assertThat(m.seq()).isEqualTo(1);
      assertThat(m.motion())
          .isEqualTo("to approve the Consent Calendar, with the exception of Item 6-C");
      assertThat(m.mover()).isEqualTo("Daysog");
      assertThat(m.seconder()).isEqualTo("Herrera Spencer");
      assertThat(m.result()).isEqualTo("carried");
      assertThat(List.of(m.ayes(), m.nays(), m.abstain(), m.absent())).containsExactly(4, 0, 0, 1);
      assertThat(m.votes()).containsExactly(
          Map.entry("ayes", List.of("Daysog", "Jensen", "Herrera Spencer", "Ashcraft")),
          Map.entry("nays", List.of()),
          Map.entry("abstain", List.of()),
          Map.entry("absent", List.of("Vella")));
    });
  }

  @Test
  void failedMotionWithNamedNoes() {
    // Springfield, IL style: trustees, YEAS/NAYS, no colon spacing, failed.
    List<Motion> motions = extractor.extract(List.of("""
        B. Ordinance 2024-07 Amending Chapter 6 (Liquor Licenses)
        It was moved by Trustee Alvarez and seconded by Trustee O'Brien that Ordinance
        No. 2024-07 be adopted as presented. Upon roll call the vote was:
        YEAS: Trustees Alvarez, O'Brien
        NAYS: Trustees Kowalski, Grant, Haddad
        ABSENT: None
        The motion failed.
        """));

    assertThat(lines(motions)).containsExactly(
        "p1 #1 Alvarez/O'Brien 'that Ordinance No. 2024-07 be adopted as presented' failed 2-3-null-0"
            + " {ayes=[Alvarez, O'Brien], nays=[Kowalski, Grant, Haddad], absent=[]}");
  }

  @Test
  void tallyOnlyResultsAndOtherPhrasings() {
    List<Motion> motions = extractor.extract(List.of("""
        Commissioner Tanaka moved, seconded by Commissioner Romero, to approve the
        minutes of January 8, 2024. Motion carried 5-0.

        MOTION: Commissioner Fischer / SECOND: Commissioner Moreno - to deny the variance
        request. Motion failed 2-3.

        Motion to continue Item 3-B to the March 11 meeting.
        Moved/Seconded: Whitfield/Nguyen. Motion passed 4-0-1 (Chen absent).

        Chair Dawson moved to adopt Resolution No. 24-11 approving the use permit; seconded
        by Ms. Lindqvist. Carried 3-1-1.
        """));

    assertThat(lines(motions)).containsExactly(
        "p1 #1 Tanaka/Romero 'to approve the minutes of January 8, 2024' carried 5-0-null-null {}",
        "p1 #2 Fischer/Moreno 'to deny the variance request' failed 2-3-null-null {}",
        "p1 #3 Whitfield/Nguyen 'to continue Item 3-B to the March 11 meeting' carried 4-0-null-1"
            + " {absent=[Chen]}",
        "p1 #4 Dawson/Lindqvist 'to adopt Resolution No. 24-11 approving the use permit' carried"
            + " 3-1-1-null {}");
  }

  @Test
  void unanimousVoteCountsThoseAtTheRollCall() {
    List<Motion> motions = extractor.extract(List.of("""
        1. CALL TO ORDER
        Mayor Pro Tem Grant called the meeting to order at 6:30 p.m.
        Present: Council Members Grant, Haddad, Patel and Mayor Okafor
        Absent: Council Member Chen
        Also Present: City Manager Rivera, City Clerk Nguyen

        2. APPROVAL OF AGENDA
        Motion by Council Member Patel, seconded by Council Member Haddad, to approve the
        agenda as posted. The motion passed unanimously.
        """));

    assertThat(lines(motions)).containsExactly(
        "p1 #1 Patel/Haddad 'to approve the agenda as posted' carried 4-0-null-1"
            + " {ayes=[Grant, Haddad, Patel, Okafor], absent=[Chen]}");
  }

  @Test
  void unanimousWithoutAKnownRollCallLeavesAyesUnknown() {
    Motion m = extractor.extract(List.of(
        "Moved by Director Kim, seconded by Director Ruiz, to adjourn. Motion carried unanimously."))
        .get(0);
    assertThat(line(m)).isEqualTo("p1 #1 Kim/Ruiz 'to adjourn' carried null-0-null-null {}");
  }

  @Test
  void motionAcrossAPageBreakBelongsToThePageItStartsOn() {
    List<Motion> motions = extractor.extract(List.of("""
        CITY OF SPRINGFIELD
        REGULAR MEETING - PAGE 1
        3-A. Recommendation to award a contract to Bay Paving Company.
        Motion by Councilmember Brennan, seconded by Councilmember""", """
        CITY OF SPRINGFIELD
        Chen, to award the contract
        in the amount of $1,250,000. Motion carried by the following vote: AYES:
        Councilmembers Brennan, Chen, Dawson and Mayor Moreno (4). NOES: Councilmember
        Okafor (1). ABSENT: None.
        Motion by Councilmember Dawson, seconded by Councilmember Okafor, to adjourn.
        Ayes: 5 Noes: 0
        """));

    assertThat(lines(motions)).containsExactly(
        "p1 #1 Brennan/Chen 'to award the contract in the amount of $1,250,000' carried 4-1-null-0"
            + " {ayes=[Brennan, Chen, Dawson, Moreno], nays=[Okafor], absent=[]}",
        "p2 #2 Dawson/Okafor 'to adjourn' null 5-0-null-null {}");
  }

  @Test
  void toleratesOcrNoise() {
    // Scanned minutes: odd case, spaces before punctuation, line breaks and a split word.
    List<Motion> motions = extractor.extract(List.of("""
        MOTION  BY  COUNCILMEMBER   KOWALSKI ,  SECONDED  BY  MAYOR
        WHITFIELD ,  TO   APPROVE  THE  PURCHASE  OF  TWO  POLICE  VEHI-
        cles .   motion   CARRIED  BY  THE  FOLLOWING  VOTE :
        ayes :  Councilmembers   Kowalski ,  Whitfield,Grant
        noes :  none     abstain :   Councilmember  Tanaka
        """));

    assertThat(lines(motions)).containsExactly(
        "p1 #1 Kowalski/Whitfield 'TO APPROVE THE PURCHASE OF TWO POLICE VEHIcles' carried 3-0-1-null"
            + " {ayes=[Kowalski, Whitfield, Grant], nays=[], abstain=[Tanaka]}");
  }

  @Test
  void textWithoutMotionsGivesNone() {
    assertThat(extractor.extract(List.of(
        "CALL TO ORDER\nThe meeting was called to order at 7:00 p.m. Present: Chair Lee.", "")))
        .isEmpty();
    assertThat(extractor.extract(List.of())).isEmpty();
  }

  @Test
  void votesAreImmutable() {
    Motion m = extractor.extract(List.of(
        "Motion by Smith, seconded by Jones, to adjourn. AYES: Smith, Jones. NOES: None.")).get(0);
    assertThat(m.votes().get("ayes")).containsExactly("Smith", "Jones");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.votes().get("ayes").add("Lee"))
        .isInstanceOf(UnsupportedOperationException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.votes().put("x", List.of()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void everyMotionOfTheSampleMinutesIsFoundExactly(@TempDir Path dir) throws IOException {
    StringBuilder actual = new StringBuilder();
    for (SampleDocument d : SampleSites.generate(dir)) {
      if (d.corrupt() || !d.kind().equals("minutes")) {
        continue;
      }
      actual.append(d.subdomain()).append(' ').append(d.ref().id()).append('\n');
      for (Motion m : extractor.extract(d.pageTexts())) {
        actual.append(line(m)).append('\n');
      }
    }
    // SampleSites is seeded, so these are the motions, movers and roll calls MeetingText wrote (the
    // presiding Mayor or Chair votes last in each AYES list; "(n)" counts agree with the names).
    assertThat(Arrays.asList(actual.toString().split("\n"))).containsExactly(
        "alameda.ca.us minutes/CityCouncil/2024-01-16",
        "p1 #1 Jensen/Vella 'to approve the Consent Calendar' carried 5-0-null-0"
            + " {ayes=[Daysog, Herrera Spencer, Jensen, Vella, Ashcraft], nays=[], absent=[]}",
        "p2 #2 Herrera Spencer/Jensen 'to approve the item' carried 4-0-null-1"
            + " {ayes=[Daysog, Herrera Spencer, Jensen, Ashcraft], nays=[], absent=[Vella]}",
        "alameda.ca.us minutes/PlanningCommission/2024-01-22",
        "p1 #1 Tanaka/Fischer 'to approve the minutes as presented' carried 5-0-null-0"
            + " {ayes=[Chen, Fischer, Tanaka, Patel, Dawson], nays=[], absent=[]}",
        "p2 #2 Fischer/Patel 'to approve the application subject to the conditions of approval' carried 4-1-null-0"
            + " {ayes=[Fischer, Tanaka, Patel, Dawson], nays=[Chen], absent=[]}",
        "p2 #3 Chen/Patel 'to continue the item' carried 4-1-null-0"
            + " {ayes=[Chen, Fischer, Patel, Dawson], nays=[Tanaka], absent=[]}",
        "alameda.ca.us minutes/CityCouncil/2024-02-06",
        "p1 #1 Herrera Spencer/Vella 'to approve the Consent Calendar' carried 5-0-null-0"
            + " {ayes=[Daysog, Herrera Spencer, Jensen, Vella, Ashcraft], nays=[], absent=[]}",
        "p2 #2 Vella/Jensen 'to approve the item' carried 4-1-null-0"
            + " {ayes=[Herrera Spencer, Jensen, Vella, Ashcraft], nays=[Daysog], absent=[]}",
        "p3 #3 Jensen/Daysog 'to adopt the resolution' carried 4-1-null-0"
            + " {ayes=[Daysog, Herrera Spencer, Jensen, Ashcraft], nays=[Vella], absent=[]}",
        "alameda.ca.us minutes/PlanningCommission/2024-02-26",
        "p1 #1 Fischer/Patel 'to approve the application' carried 4-1-null-0"
            + " {ayes=[Chen, Fischer, Patel, Dawson], nays=[Tanaka], absent=[]}",
        "springfield.il.us minutes/CityCouncil/2024-01-16",
        "p1 #1 Nguyen/Chen 'to approve the Consent Calendar' carried 5-0-null-0"
            + " {ayes=[Okafor, Nguyen, Tanaka, Chen, Fischer], nays=[], absent=[]}",
        "p2 #2 Okafor/Nguyen 'to approve the item' carried 4-1-null-0"
            + " {ayes=[Okafor, Nguyen, Chen, Fischer], nays=[Tanaka], absent=[]}",
        "springfield.il.us minutes/PlanningCommission/2024-01-22",
        "p1 #1 Haddad/Lindqvist 'to approve the minutes as presented' carried 5-0-null-0"
            + " {ayes=[Kowalski, Lindqvist, Alvarez, Haddad, Romero], nays=[], absent=[]}",
        "p2 #2 Alvarez/Haddad 'to approve the application subject to the conditions of approval' carried 4-1-null-0"
            + " {ayes=[Kowalski, Alvarez, Haddad, Romero], nays=[Lindqvist], absent=[]}",
        "p2 #3 Haddad/Kowalski 'to continue the item' carried 4-0-null-1"
            + " {ayes=[Kowalski, Alvarez, Haddad, Romero], nays=[], absent=[Lindqvist]}",
        "springfield.il.us minutes/CityCouncil/2024-02-06",
        "p1 #1 Tanaka/Chen 'to approve the Consent Calendar' carried 5-0-null-0"
            + " {ayes=[Okafor, Nguyen, Tanaka, Chen, Fischer], nays=[], absent=[]}",
        "p2 #2 Tanaka/Chen 'to approve the item' carried 4-1-null-0"
            + " {ayes=[Nguyen, Tanaka, Chen, Fischer], nays=[Okafor], absent=[]}",
        "p3 #3 Okafor/Nguyen 'to adopt the resolution' carried 5-0-null-0"
            + " {ayes=[Okafor, Nguyen, Tanaka, Chen, Fischer], nays=[], absent=[]}");
  }
}
