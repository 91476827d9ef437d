package clerk.activities.extract;

import static clerk.activities.extract.MotionExtractorTest.lines;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One test per way real minutes record a motion (the styles of bench/extract; see
 * docs/extraction.md). Texts are shortened from the real minutes' shapes, names changed.
 */
class MinuteStylesTest {
  final MotionExtractor extractor = new MotionExtractor();

  @Test
  void escribeBlocksWithVoteTableAndCount() {
    List<Motion> motions = extractor.extract(List.of("""
        Present:
        Councillors D. Ferreira (Chair), H. McAlister, P. Cuddy, J. Pribil
        2.1   Approval of Contribution Agreement
        Moved by P. Cuddy
        Seconded by H. McAlister
        That, on the recommendation of the Deputy City Manager, the agreement BE APPROVED.
        Vote:
        Yeas: H. McAlister, P. Cuddy, D. Ferreira
        Nays: J. Pribil
        Motion Passed (3 to 1)
        """));
    assertThat(motions).singleElement().satisfies(m -> {
      assertThat(m.motion()).startsWith("That, on the recommendation of the Deputy City Manager");
      assertThat(List.of(m.mover(), m.seconder(), m.result())).containsExactly("P. Cuddy", "H. McAlister", "carried");
      assertThat(List.of(m.ayes(), m.nays())).containsExactly(3, 1);
      assertThat(m.votes()).containsEntry("nays", List.of("J. Pribil"));
    });
  }

  @Test
  void proposedSecondedResolvedAcrossAPageBreakWithRunningLines() {
    List<Motion> motions = extractor.extract(List.of("""
        Scanned page, text may contain errors.
        MINUTES OF PROCEEDINGS AT MEETING OF THE MUNICIPAL DISTRICT
        Proposed by Councillor Sheahan;
        Seconded by Councillor O'Donoghue;
        And Resolved:
        """, """
        Scanned page, text may contain errors.
        2
        “That, the approval of the District be and is hereby given to the making of Standing Orders.”
        3. Environment and Water
        """));
    assertThat(lines(motions)).containsExactly("p1 #1 Sheahan/O'Donoghue 'That, the approval of the District"
        + " be and is hereby given to the making of Standing Orders' carried null-null-null-null {}");
  }

  @Test
  void parishProposalsWithCountedVotesAndARefusal() {
    List<Motion> motions = extractor.extract(List.of("""
        Cllr Ryves proposed a Civil Service seconded by Cllr Mrs Lintern. 2 Votes For, 3 Against, 1 Abstention. Refused
        Cllr Mrs Clements proposed a Religious Service seconded by Cllr Mrs Hull. 3 Votes for, 2 Against, 1 Abstention. Carried.
        """));
    assertThat(lines(motions)).containsExactly(
        "p1 #1 Ryves/Lintern 'a Civil Service' failed 2-3-1-null {}",
        "p1 #2 Clements/Hull 'a Religious Service' carried 3-2-1-null {}");
  }

  @Test
  void labelledBlockWithFourPartTallyAndAsteriskedRollCall() {
    List<Motion> motions = extractor.extract(List.of("""
        Item 5. Rezoning of 12 Elm Street
        MOTION BY: Commissioner Alvarez SECOND: Commissioner Okafor
        That the rezoning be approved as recommended by staff.
        VOTE: 4-2-1-1 (FAILED)
        AYES: *Alvarez, Okafor, Lee, Grant NOES: Haddad, Romero ABSTAIN: Patel ABSENT: Chen
        """));
    assertThat(motions).singleElement().satisfies(m -> {
      assertThat(List.of(m.mover(), m.seconder(), m.result())).containsExactly("Alvarez", "Okafor", "failed");
      assertThat(List.of(m.ayes(), m.nays(), m.abstain(), m.absent())).containsExactly(4, 2, 1, 1);
      assertThat(m.votes().get("ayes")).containsExactly("Alvarez", "Okafor", "Lee", "Grant");
    });
  }

  @Test
  void numberedResolutionWithInitialsAndNoGluedWordOnTheSeconder() {
    List<Motion> motions = extractor.extract(List.of("""
        Resolution No. 2024-138
        Moved by A. Smith, Seconded by B. Jones: THAT Council approve the 2024 road program.
        CARRIED
        """));
    assertThat(lines(motions)).containsExactly(
        "p1 #1 A. Smith/B. Jones 'THAT Council approve the 2024 road program' carried null-null-null-null {}");
  }

  @Test
  void namesInParentheses() {
    List<Motion> motions = extractor.extract(List.of(
        "Approval of the agenda. J. Smith (motion), K. Lee (second). To approve the agenda as presented. Carried."));
    assertThat(motions).singleElement().satisfies(m ->
        assertThat(List.of(m.mover(), m.seconder(), m.result())).containsExactly("J. Smith", "K. Lee", "carried"));
  }

  @Test
  void firstNamesResolveAgainstTheMembersPresent() {
    List<Motion> motions = extractor.extract(List.of("""
        Attending the meeting were Supervisors Janet Keough, Dick Dillon, Gary Mantay, Clerk Carrie Landman.
        Dick makes a motion to approve amended minutes, Gary seconds the motion. Take a vote:
        Dick aye, Gary aye, Jan aye.
        """));
    assertThat(lines(motions)).containsExactly("p1 #1 Dillon/Mantay 'to approve amended minutes' carried"
        + " 3-null-null-null {ayes=[Dillon, Mantay, Keough]}");
  }

  @Test
  void movedWithoutSeconderTitleAndMotionOnTheNextLine() {
    List<Motion> motions = extractor.extract(List.of("""
        Moved by Deputy Reeve Brown,
        THAT the Council accept the treasurer's report as presented.
        Carried
        """));
    assertThat(lines(motions)).containsExactly(
        "p1 #1 Brown/null 'THAT the Council accept the treasurer's report as presented' carried null-null-null-null {}");
  }

  @Test
  void dulySecondedWithoutNames() {
    List<Motion> motions = extractor.extract(List.of(
        "Motion duly made, seconded and carried, that the Schools be closed Friday, October 15th."));
    assertThat(lines(motions)).containsExactly(
        "p1 #1 null/null 'that the Schools be closed Friday, October 15th' carried null-null-null-null {}");
  }

  @Test
  void dispositionListMotionBeforeTheMover() {
    List<Motion> motions = extractor.extract(List.of("S-56 Accept a grant (Previous Agenda 11)  Motion to accept the"
        + " substitute ordinance:  Moved by Commissioner Fish and seconded by Commissioner Fritz.  (Y-5)  SUBSTITUTE"
        + " PASSED TO SECOND READING"));
    assertThat(lines(motions)).containsExactly(
        "p1 #1 Fish/Fritz 'to accept the substitute ordinance' carried 5-0-null-null {}");
  }

  @Test
  void forAndAgainstRollCallWithQualifiedNames() {
    List<Motion> motions = extractor.extract(List.of("""
        MEMBERS PRESENT: Councillors Collins (J), Collins (M), Foley, Galvin.
        Councillor Galvin then proposed the following Motion and this was seconded by Councillor Collins (M):
        “That, the Council calls on the Minister to retain the companies.”
        For: Councillors Galvin, Collins (M), Foley. (3)
        Against: Councillors Collins (J). (1)
        There were no abstentions.
        The County Secretary declared the Motion carried.
        """));
    assertThat(motions).singleElement().satisfies(m -> {
      assertThat(List.of(m.mover(), m.seconder(), m.result())).containsExactly("Galvin", "Collins (M)", "carried");
      assertThat(List.of(m.ayes(), m.nays(), m.abstain())).containsExactly(3, 1, 0);
      assertThat(m.votes()).containsEntry("nays", List.of("Collins (J)"));
    });
  }

  @Test
  void ocrSlipInASurnameResolvesToTheMemberPresent() {
    List<Motion> motions = extractor.extract(List.of("""
        Board members present were supervisors Dick Dillon, Janet Keough, and Gary Mantay.
        Motion by Janet Keougn, second by Gary Mantay to approve the minutes. Motion carried.
        """));
    assertThat(motions).singleElement().satisfies(m -> assertThat(m.mover()).isEqualTo("Janet Keough"));
    assertThat(motions.get(0).votes()).isEqualTo(Map.of());
  }
}
