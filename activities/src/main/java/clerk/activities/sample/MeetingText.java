package clerk.activities.sample;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Writes the words of sample minutes and agendas: headers, roll call, motions with roll-call votes,
 * agenda items, adjournment. Lines are wrapped at {@link #WIDTH} characters so they fit a Letter
 * page in 12 pt type both as Helvetica and as a 300 dpi scan. Plain ASCII only.
 */
final class MeetingText {
  static final int WIDTH = 64;

  private static final DateTimeFormatter LONG_DATE =
      DateTimeFormatter.ofPattern("EEEE, MMMM d, yyyy", Locale.US);

  private static final List<String> SURNAMES =
      List.of(
          "Alvarez", "Brennan", "Chen", "Dawson", "Okafor", "Lindqvist", "Moreno", "Patel",
          "Nguyen", "Fischer", "Kowalski", "Romero", "Tanaka", "Whitfield", "Grant", "Haddad");

  private static final List<String> COUNCIL_ITEMS =
      List.of(
          "Public hearing to consider introduction of an ordinance amending the Municipal Code"
              + " to update the accessory dwelling unit regulations.",
          "Recommendation to award a contract in the amount of $1,250,000 to Bay Paving Company"
              + " for the annual pavement management program.",
          "Recommendation to adopt a resolution establishing the street tree planting plan for"
              + " fiscal year 2024-25.",
          "Recommendation to accept the quarterly financial report and approve the mid-year"
              + " budget adjustments.",
          "Adoption of a resolution authorizing the City Manager to apply for state grant funding"
              + " for the shoreline park improvements.");

  private static final List<String> PLANNING_ITEMS =
      List.of(
          "Design review for a new two-story residence at 1420 Grand Street.",
          "Use permit to allow a bakery with outdoor seating at 2305 Central Avenue.",
          "Variance request to reduce the rear yard setback at 818 Pacific Avenue.",
          "Tentative parcel map to divide the lot at 1733 Encinal Avenue into two parcels.");

  /** The people of one site. */
  record Roster(
      String city, List<String> council, String mayor, List<String> commission, String chair) {

    static Roster of(String subdomain, Random random) {
      String city = cityName(subdomain);
      List<String> names = new ArrayList<>(SURNAMES);
      Collections.shuffle(names, random);
      List<String> commission = List.copyOf(names.subList(5, 9));
      String chair = names.get(9);
      if (subdomain.startsWith("alameda.")) {
        return new Roster(
            city, List.of("Daysog", "Herrera Spencer", "Jensen", "Vella"), "Ashcraft",
            commission, chair);
      }
      return new Roster(city, List.copyOf(names.subList(0, 4)), names.get(4), commission, chair);
    }

    /** {@code springfield.il.us} -> {@code Springfield}; {@code san-leandro.ca.us} -> San Leandro. */
    static String cityName(String subdomain) {
      String first = subdomain.split("\\.")[0];
      StringBuilder out = new StringBuilder();
      for (String word : first.split("[-_]")) {
        if (!word.isEmpty()) {
          out.append(out.length() > 0 ? " " : "")
              .append(Character.toUpperCase(word.charAt(0)))
              .append(word.substring(1));
        }
      }
      return out.toString();
    }
  }

  private final Roster roster;
  private final Random random;
  /** The motions written since the last {@link #takeMotions()}, and the page being written. */
  private final List<SampleDocument.Motion> motions = new ArrayList<>();
  private int page;

  MeetingText(Roster roster, Random random) {
    this.roster = roster;
    this.random = random;
  }

  /** The motions written into the minutes since the last call, as the generator wrote them. */
  List<SampleDocument.Motion> takeMotions() {
    List<SampleDocument.Motion> out = List.copyOf(motions);
    motions.clear();
    return out;
  }

  /** City council minutes of 2 or 3 pages. */
  List<List<String>> councilMinutes(LocalDate date, int pages) {
    page = 1;
    List<String> items = shuffled(COUNCIL_ITEMS);
    Page first = header("MINUTES OF THE REGULAR CITY COUNCIL MEETING", date, "7:00 P.M.");
    first.section(
        "1. CALL TO ORDER AND ROLL CALL",
        "Mayor " + roster.mayor() + " convened the meeting at 7:0" + random.nextInt(10)
            + " p.m. Present: " + councilAll() + ". Absent: None.");
    first.section("2. CONSENT CALENDAR", councilVote("to approve the Consent Calendar", false));
    Page second = new Page();
    page = 2;
    second.section(
        "3. REGULAR AGENDA ITEMS", "3-A. " + items.get(0), councilVote("to approve the item", true));
    List<List<String>> out = new ArrayList<>(List.of(first.lines, second.lines));
    Page last = second;
    if (pages > 2) {
      last = new Page();
      page = 3;
      out.add(last.lines);
      last.section("3-B. " + items.get(1), councilVote("to adopt the resolution", true));
      last.section(
          "4. ORAL COMMUNICATIONS, NON-AGENDA",
          "Two speakers addressed the Council regarding street parking and library hours.");
    }
    last.section(
        (pages > 2 ? "5" : "4") + ". ADJOURNMENT",
        "There being no further business, Mayor " + roster.mayor()
            + " adjourned the meeting at 9:" + (10 + random.nextInt(40)) + " p.m.");
    return out;
  }

  /** Planning commission minutes: 2 pages, or a 1-page special meeting. */
  List<List<String>> planningMinutes(LocalDate date, int pages) {
    page = 1;
    List<String> items = shuffled(PLANNING_ITEMS);
    String title = pages == 1 ? "MINUTES OF THE SPECIAL" : "MINUTES OF THE REGULAR";
    Page first = header(title + " PLANNING COMMISSION MEETING", date, "7:00 P.M.");
    first.section(
        "1. ROLL CALL",
        "Chair " + roster.chair() + " called the meeting to order at 7:01 p.m. Present: "
            + commissionAll() + ". Absent: None.");
    if (pages == 1) {
      first.section("2. PUBLIC HEARINGS", "2-A. " + items.get(0),
          commissionVote("to approve the application", true));
      first.section("3. ADJOURNMENT", "Chair " + roster.chair() + " adjourned the meeting at 8:"
          + (10 + random.nextInt(40)) + " p.m.");
      return List.of(first.lines);
    }
    first.section("2. APPROVAL OF MINUTES", commissionVote("to approve the minutes as presented",
        false));
    Page second = new Page();
    page = 2;
    second.section("3. PUBLIC HEARINGS", "3-A. " + items.get(0),
        commissionVote("to approve the application subject to the conditions of approval", true));
    second.section("3-B. " + items.get(1), commissionVote("to continue the item", true));
    second.section("4. ADJOURNMENT", "Chair " + roster.chair() + " adjourned the meeting at 9:"
        + (10 + random.nextInt(40)) + " p.m.");
    return List.of(first.lines, second.lines);
  }

  /** A one-page agenda. */
  List<String> councilAgenda(LocalDate date) {
    List<String> items = shuffled(COUNCIL_ITEMS);
    Page page = header("AGENDA - REGULAR MEETING OF THE CITY COUNCIL", date, "7:00 P.M.");
    page.paragraph("Council Chambers, City Hall");
    page.paragraph("1. Call to Order and Roll Call");
    page.paragraph("2. Oral Communications, Non-Agenda (Public Comment)");
    page.paragraph("3. Consent Calendar");
    page.paragraph("3-A. Minutes of the Regular Meeting held on "
        + date.minusWeeks(2).format(DateTimeFormatter.ofPattern("MMMM d, yyyy", Locale.US)) + ".");
    page.paragraph("3-B. " + items.get(0));
    page.paragraph("4. Regular Agenda Items");
    page.paragraph("4-A. " + items.get(1));
    page.paragraph("5. Adjournment");
    return page.lines;
  }

  List<String> planningAgenda(LocalDate date) {
    List<String> items = shuffled(PLANNING_ITEMS);
    Page page = header("AGENDA - PLANNING COMMISSION", date, "7:00 P.M.");
    page.paragraph("1. Roll Call");
    page.paragraph("2. Approval of Minutes");
    page.paragraph("3. Public Hearings");
    page.paragraph("3-A. " + items.get(0));
    page.paragraph("3-B. " + items.get(1));
    page.paragraph("4. Staff Communications");
    page.paragraph("5. Adjournment");
    return page.lines;
  }

  private Page header(String title, LocalDate date, String time) {
    Page page = new Page();
    page.lines.add("CITY OF " + roster.city().toUpperCase(Locale.US));
    page.lines.add(title);
    page.lines.add(date.format(LONG_DATE).toUpperCase(Locale.US) + " - " + time);
    return page;
  }

  private String councilAll() {
    return "Councilmembers " + join(roster.council()) + " and Mayor " + roster.mayor() + " ("
        + (roster.council().size() + 1) + ")";
  }

  private String commissionAll() {
    return "Commissioners " + join(roster.commission()) + " and Chair " + roster.chair() + " ("
        + (roster.commission().size() + 1) + ")";
  }

  /** A motion and its roll-call vote; with {@code split}, sometimes a no vote or an absence. */
  private String councilVote(String what, boolean split) {
    return vote("Councilmember", "Councilmembers", roster.council(), "Mayor " + roster.mayor(),
        what, split);
  }

  private String commissionVote(String what, boolean split) {
    return vote("Commissioner", "Commissioners", roster.commission(), "Chair " + roster.chair(),
        what, split);
  }

  private String vote(String title, String titles, List<String> members, String presiding,
      String what, boolean split) {
    List<String> order = shuffled(members);
    String mover = order.get(0);
    String seconder = order.get(1);
    List<String> ayes = new ArrayList<>(members);
    String noes = "None";
    String absent = "None";
    int outcome = split ? random.nextInt(3) : 0;
    if (outcome == 1) {
      String no = order.get(2);
      ayes.remove(no);
      noes = title + " " + no + " (1)";
    } else if (outcome == 2) {
      String away = order.get(3);
      ayes.remove(away);
      absent = title + " " + away + " (1)";
    }
    List<String> ayesWithPresiding = new ArrayList<>(ayes);
    ayesWithPresiding.add(presiding.substring(presiding.indexOf(' ') + 1));
    motions.add(new SampleDocument.Motion(page, what, mover, seconder, "carried", ayesWithPresiding,
        outcome == 1 ? List.of(order.get(2)) : List.of(), outcome == 2 ? List.of(order.get(3)) : List.of()));
    return "Motion by " + title + " " + mover + ", seconded by " + title + " " + seconder + ", "
        + what + ". Motion carried by the following vote: AYES: " + titles + " " + join(ayes)
        + " and " + presiding + " (" + (ayes.size() + 1) + "). NOES: " + noes + ". ABSENT: "
        + absent + ".";
  }

  private List<String> shuffled(List<String> list) {
    List<String> copy = new ArrayList<>(list);
    Collections.shuffle(copy, random);
    return copy;
  }

  private static String join(List<String> names) {
    return String.join(", ", names);
  }

  /** Lines of one page, built paragraph by paragraph. */
  private static final class Page {
    final List<String> lines = new ArrayList<>();

    void section(String heading, String... paragraphs) {
      paragraph(heading);
      for (String paragraph : paragraphs) {
        lines.addAll(wrap(paragraph));
      }
    }

    void paragraph(String text) {
      if (!lines.isEmpty()) {
        lines.add("");
      }
      lines.addAll(wrap(text));
    }
  }

  static List<String> wrap(String paragraph) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : paragraph.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > WIDTH) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() > 0 ? " " : "").append(word);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }
}
