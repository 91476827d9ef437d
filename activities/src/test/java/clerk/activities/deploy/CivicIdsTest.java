package clerk.activities.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ids are civic.band's, byte for byte. Every expected value below was computed independently with
 * CPython 3.11, as civic.band's build computes them ({@code clerk/utils.py}, build_table_from_text):
 * {@code sha256(json.dumps({"kind": ..., "meeting": ..., "date": ..., "page": ..., "text": ...},
 * sort_keys=True).encode("utf-8")).hexdigest()[:12]}.
 */
class CivicIdsTest {

  @Test
  void aMinutesPageHasCivicBandsId() {
    assertThat(CivicIds.rowId("minutes", "CityCouncil", "2024-01-16", 3, "Mayor Ezzy Ashcraft adjourned the meeting."))
        .isEqualTo("2c13e5e87a19");
  }

  @Test
  void anAgendaPageIsHashedAsKindAgendaInTheSingular() {
    assertThat(CivicIds.rowId("agendas", "CityCouncil", "2024-01-16", 1,
        "5-C Introduction of Ordinance No. 3345 N.S. Amending the Library Hours at 1550 Oak Street."))
        .isEqualTo("5e270d8837f9");
  }

  @Test
  void textBeyondAsciiIsHashedAsPythonEscapesIt() {
    // Non-breaking spaces, guillemets, a dash, quotes, a newline and tab, a backslash, control
    // characters and a character beyond the BMP (written as its surrogate pair).
    String text = "Le maire a dit «\u00a0oui\u00a0» — \"d'accord\"\n\tfin\\ \u0001 \u007f \uD83C\uDFDB /";
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("text", text);
    assertThat(CivicIds.pythonJson(fields)).isEqualTo(
        "{\"text\": \"Le maire a dit \\u00ab\\u00a0oui\\u00a0\\u00bb \\u2014 \\\"d'accord\\\"\\n\\tfin\\\\"
            + " \\u0001 \\u007f \\ud83c\\udfdb /\"}");
    assertThat(CivicIds.rowId("minutes", "Conseil municipal", "2024-01-16", 2, text)).isEqualTo("e9c8fb714326");
  }

  @Test
  void theCrossSiteDatabaseHashesTheSiteToo() {
    assertThat(CivicIds.fullDbRowId("minutes", "CityCouncil", "2024-01-16", 3,
        "Mayor Ezzy Ashcraft adjourned the meeting.", "alameda.ca.us", "Alameda, CA")).isEqualTo("719df03d6c9b");
  }

  @Test
  void pageImagesAreWhereCivicBandPutsThem() {
    assertThat(CivicIds.pageImage("minutes", "CityCouncil", "2024-01-16", 12)).isEqualTo("/CityCouncil/2024-01-16/12.png");
    assertThat(CivicIds.pageImage("agendas", "CityCouncil", "2024-01-16", 1))
        .isEqualTo("/_agendas/CityCouncil/2024-01-16/1.png");
  }
}
