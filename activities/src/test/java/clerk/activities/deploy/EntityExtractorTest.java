package clerk.activities.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.deploy.EntityExtractor.Entities;
import clerk.activities.deploy.EntityExtractor.Person;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntityExtractorTest {

  @Test
  void findsPersonsAfterTheirTitlesInOrderWithoutDuplicatesWithTheFirstTitle() {
    String page = """
        Mayor Ezzy Ashcraft called the meeting to order at 7:02 p.m.
        ROLL CALL - Present: Councilmembers Daysog, Herrera Spencer, Knox White and Vella and
        Mayor Ezzy Ashcraft - 5. Absent: None.
        Vice Mayor Knox White moved approval of the staff recommendation, seconded by
        Councilmember Daysog. Commissioner O'Brien and Chair McDonald spoke.
        Council Member J. Smith-Jones asked about the timeline.
        """;
    assertThat(EntityExtractor.extract(page).persons()).containsExactly(
        new Person("Ezzy Ashcraft", "Mayor"), new Person("Daysog", "Councilmember"),
        new Person("Herrera Spencer", "Councilmember"), new Person("Knox White", "Councilmember"),
        new Person("Vella", "Councilmember"), new Person("O'Brien", "Commissioner"), new Person("McDonald", "Chair"),
        new Person("J. Smith-Jones", "Council Member"));
  }

  @Test
  void titlesWithoutANameAreNotPersons() {
    String page = """
        6. COUNCIL REFERRALS
        Mayor Presiding. Council Member Comments and Mayor's report were heard.
        The Chair of the Planning Board, the Commissioner Report, and the Director of Public Works.
        COUNCILMEMBER DAYSOG MOVED APPROVAL.
        """;
    assertThat(EntityExtractor.extract(page).persons()).isEmpty();
  }

  @Test
  void findsOrganisationsAndPlaces() {
    String page = """
        The Planning Commission and the Board of Education met with the Parks and Recreation Commission.
        Approved the agreement with Ghilotti Bros. for the City of Alameda; the City Council concurred.
        Staff of the Department of Public Works reported on 1200 Park Street.
        """;
    Entities e = EntityExtractor.extract(page);
    assertThat(e.orgs()).containsExactly("Board of Education", "Department of Public Works", "Planning Commission",
        "Parks and Recreation Commission", "City Council", "Ghilotti Bros.");
    assertThat(e.locations()).containsExactly("1200 Park Street", "City of Alameda");
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
    Entities e = EntityExtractor.extract(page);
    assertThat(e.resolutions()).containsExactly("Resolution No. 2024-15", "Resolution No. 16,123");
    assertThat(e.ordinances()).containsExactly("Ordinance No. 3345", "Ordinance No. 3346");
    assertThat(e.amounts()).containsExactly("$1,250,000", "$45.50", "$1.2 million");
    assertThat(e.locations()).containsExactly("1200 Park Street", "2263 Santa Clara Avenue");
  }

  @Test
  void theJsonHasCivicBandsKeysAndShapesAlwaysPresent() throws Exception {
    ObjectMapper json = new ObjectMapper();
    assertThat(json.writeValueAsString(EntityExtractor.extract("").toJson())).isEqualTo(
        "{\"persons\":[],\"orgs\":[],\"locations\":[],\"resolutions\":[],\"ordinances\":[],\"amounts\":[]}");
    assertThat(EntityExtractor.extract(null)).isEqualTo(EntityExtractor.extract(""));
    assertThat(json.writeValueAsString(EntityExtractor.extract(
        "Mayor Ashcraft thanked the Library Board for 1550 Oak Street.").toJson())).isEqualTo(
        "{\"persons\":[{\"text\":\"Ashcraft\",\"title\":\"Mayor\"}],\"orgs\":[{\"text\":\"Library Board\"}],"
            + "\"locations\":[{\"text\":\"1550 Oak Street\"}],\"resolutions\":[],\"ordinances\":[],\"amounts\":[]}");
    assertThat(EntityExtractor.KEYS).containsExactly("persons", "orgs", "locations", "resolutions", "ordinances",
        "amounts");
  }

  @Test
  void sameTextSameResult() {
    String page = "Councilmember Vella moved; Councilmember Daysog seconded Resolution No. 7.";
    assertThat(EntityExtractor.extract(page)).isEqualTo(EntityExtractor.extract(page));
    assertThat(List.of(EntityExtractor.extract(page))).hasSize(1);
  }
}
