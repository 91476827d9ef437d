package clerk.activities.extract;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.extract.AttendanceReader.Attendee;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttendanceReaderTest {
  final AttendanceReader reader = new AttendanceReader();

  static Attendee present(String name) {
    return new Attendee(name, AttendanceReader.PRESENT);
  }

  @Test
  void aRollCallWithPresentAndAbsentMembers() {
    List<Attendee> a = reader.read(List.of("""
        1. CALL TO ORDER AND ROLL CALL
        Mayor Ezzy Ashcraft called the meeting to order at 7:02 p.m. Present: Councilmembers Daysog,
        Herrera Spencer, Vella and Mayor Ezzy Ashcraft. Absent: Councilmember Knox White.
        """));
    assertThat(a).containsExactly(present("Daysog"), present("Herrera Spencer"), present("Vella"),
        present("Ezzy Ashcraft"), new Attendee("Knox White", AttendanceReader.ABSENT));
  }

  @Test
  void regretsAndApologiesAreTheirOwnStatus() {
    List<Attendee> a = reader.read(List.of("""
        Members present were Councillors Foley, Galvin and Keane.
        Apologies: Councillor Collins.
        Regrets: Trustee Brennan
        """));
    assertThat(a).containsExactly(present("Foley"), present("Galvin"), present("Keane"),
        new Attendee("Collins", AttendanceReader.REGRETS), new Attendee("Brennan", AttendanceReader.REGRETS));
  }

  @Test
  void absentNoneIsNobodyAndAVotesAbsentIsNotAttendance() {
    List<Attendee> a = reader.read(List.of("""
        Present: Councilmembers Daysog, Vella and Jensen. Absent: None.
        Motion by Councilmember Daysog, seconded by Councilmember Vella, to approve the minutes.
        AYES: Daysog, Vella. NOES: None. ABSENT: Jensen.
        """));
    assertThat(a).containsExactly(present("Daysog"), present("Vella"), present("Jensen"));
  }

  @Test
  void minutesWithoutARollCallHaveNoAttendance() {
    assertThat(reader.read(List.of("The council discussed the budget. Motion carried 5-0."))).isEmpty();
  }
}
