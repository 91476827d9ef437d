package clerk.activities.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntityExtractorTest {

  @Test
  void findsPeopleAfterTheirTitlesInOrderWithoutDuplicates() {
    String page = """
        Mayor Ezzy Ashcraft called the meeting to order at 7:02 p.m.
        ROLL CALL - Present: Councilmembers Daysog, Herrera Spencer, Knox White and Vella and
        Mayor Ezzy Ashcraft - 5. Absent: None.
        Vice Mayor Knox White moved approval of the staff recommendation, seconded by
        Councilmember Daysog. Commissioner O'Brien and Chair McDonald spoke.
        Council Member J. Smith-Jones asked about the timeline.
        """;
    assertThat(EntityExtractor.extract(page).get("people")).containsExactly(
        "Ezzy Ashcraft", "Daysog", "Herrera Spencer", "Knox White", "Vella", "O'Brien", "McDonald",
        "J. Smith-Jones");
  }

  @Test
  void titlesWithoutANameAreNotPeople() {
    String page = """
        6. COUNCIL REFERRALS
        Mayor Presiding. Council Member Comments and Mayor's report were heard.
        The Chair of the Planning Board, the Commissioner Report, and the Director of Public Works.
        COUNCILMEMBER DAYSOG MOVED APPROVAL.
        """;
    assertThat(EntityExtractor.extract(page).get("people")).isEmpty();
  }

  @Test
  void findsResolutionsOrdinancesAmountsAndAddresses() {
    String page = """
        Adoption of Resolution No. 2024-15 Authorizing the City Manager to Execute an Agreement
        with Ghilotti Bros. in an Amount Not to Exceed $1,250,000 for Pavement Repairs at
        1200 Park Street and 2263 Santa Clara Avenue. (RESOLUTION NO. 2024-15 adopted.)
        Introduction of Ordinance No. 3345 N.S. Amending the Municipal Code; a fee of $45.50 per
        permit; a budget of $1.2 million. See also Res. No. 16,123 and Ordinance #3346.
        """;
    Map<String, List<String>> e = EntityExtractor.extract(page);
    assertThat(e.keySet()).containsExactlyElementsOf(EntityExtractor.KEYS);
    assertThat(e.get("resolutions")).containsExactly("Resolution No. 2024-15", "Resolution No. 16,123");
    assertThat(e.get("ordinances")).containsExactly("Ordinance No. 3345", "Ordinance No. 3346");
    assertThat(e.get("amounts")).containsExactly("$1,250,000", "$45.50", "$1.2 million");
    assertThat(e.get("addresses")).containsExactly("1200 Park Street", "2263 Santa Clara Avenue");
  }

  @Test
  void emptyPageHasEveryKeyWithEmptyLists() {
    Map<String, List<String>> e = EntityExtractor.extract("");
    assertThat(e.keySet()).containsExactlyElementsOf(EntityExtractor.KEYS);
    assertThat(e.values()).allSatisfy(list -> assertThat(list).isEmpty());
    assertThat(EntityExtractor.extract(null)).isEqualTo(e);
  }

  @Test
  void sameTextSameResult() {
    String page = "Councilmember Vella moved; Councilmember Daysog seconded Resolution No. 7.";
    assertThat(EntityExtractor.extract(page)).isEqualTo(EntityExtractor.extract(page));
  }
}
