package clerk.activities.extract;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.sample.SampleDocument;
import clerk.activities.sample.SampleSites;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MotionExtractorTest {
  final MotionExtractor extractor = new MotionExtractor();

  @Test
  void rollCallVoteWithAnAbsentMember() {
    List<Motion> motions = extractor.extract(List.of("""
        6. CONSENT CALENDAR
        Motion by Councilmember Daysog, seconded by Vice Mayor Herrera Spencer, to
        approve the Consent Calendar. Motion carried by the following vote:
        AYES: Councilmembers Daysog, Jensen, Herrera Spencer and Mayor Ashcraft (4).
        NOES: None. ABSENT: Councilmember Vella (1).
        """));

    assertThat(motions).singleElement().satisfies(m -> {
      assertThat(m.page()).isEqualTo(1);
      assertThat(m.motion()).isEqualTo("to approve the Consent Calendar");
      assertThat(m.mover()).isEqualTo("Daysog");
      assertThat(m.seconder()).isEqualTo("Herrera Spencer");
      assertThat(m.result()).isEqualTo("carried");
      assertThat(m.ayes()).isEqualTo(4);
      assertThat(m.nays()).isZero();
      assertThat(m.absent()).isEqualTo(1);
      assertThat(m.votes().get("ayes")).containsExactly("Daysog", "Jensen", "Herrera Spencer", "Ashcraft");
      assertThat(m.votes().get("nays")).isEmpty();
      assertThat(m.votes().get("absent")).containsExactly("Vella");
    });
  }

  @Test
  void failedMotionWithTallyAndAMotionAcrossAPageBreak() {
    List<Motion> motions = extractor.extract(List.of(
        "It was moved by Trustee Alvarez and seconded by Trustee Kim that the variance be granted."
            + " The motion failed 2-3.\n\nMOTION: Commissioner Ruiz / SECOND: Commissioner",
        "Park - to continue the item to March 4. Motion passed 5-0-1."));

    assertThat(motions).hasSize(2);
    Motion failed = motions.get(0);
    assertThat(failed.mover()).isEqualTo("Alvarez");
    assertThat(failed.seconder()).isEqualTo("Kim");
    assertThat(failed.motion()).isEqualTo("that the variance be granted");
    assertThat(failed.result()).isEqualTo("failed");
    assertThat(List.of(failed.ayes(), failed.nays())).containsExactly(2, 3);
    Motion continued = motions.get(1);
    assertThat(continued.page()).as("starts on page 1").isEqualTo(1);
    assertThat(continued.seq()).isEqualTo(2);
    assertThat(continued.mover()).isEqualTo("Ruiz");
    assertThat(continued.seconder()).isEqualTo("Park");
    assertThat(continued.result()).isEqualTo("carried");
    assertThat(List.of(continued.ayes(), continued.nays(), continued.abstain())).containsExactly(5, 0, 1);
  }

  @Test
  void textWithoutMotionsGivesNone() {
    assertThat(extractor.extract(List.of("CALL TO ORDER\nThe meeting was called to order at 7:00 p.m.")))
        .isEmpty();
  }

  @Test
  void everyMotionOfTheSampleMinutesIsFoundWithItsVote(@TempDir Path dir) throws IOException {
    for (SampleDocument d : SampleSites.generate(dir)) {
      if (d.corrupt() || !d.kind().equals("minutes")) {
        continue;
      }
      String all = String.join("\n", d.pageTexts());
      int written = all.split("Motion by ", -1).length - 1;
      List<Motion> motions = extractor.extract(d.pageTexts());
      assertThat(motions).as(d.file().toString()).hasSize(written);
      for (Motion m : motions) {
        assertThat(m.mover()).isNotBlank().doesNotContain("Councilmember", "Commissioner");
        assertThat(m.seconder()).isNotBlank().isNotEqualTo(m.mover());
        assertThat(m.result()).isEqualTo("carried");
        assertThat(m.ayes()).isEqualTo(m.votes().get("ayes").size());
        assertThat(m.ayes() + m.nays() + m.absent()).as("every member voted or was absent")
            .isEqualTo(m.votes().values().stream().mapToInt(List::size).sum());
        assertThat(m.motion()).startsWith("to ");
      }
    }
  }
}
