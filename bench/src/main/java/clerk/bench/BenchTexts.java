package clerk.bench;

import java.util.List;
import java.util.Random;

/**
 * Page texts for the publishing benchmarks: what a page of council minutes or an agenda reads like
 * (roll calls with titled names, motions with seconds and votes, items with resolutions, amounts and
 * addresses, prose between), about 1,800 characters, from a seeded generator so every run writes the
 * same pages. Words are drawn with a Zipf-like skew, as in real text: a few very common, many rare.
 */
final class BenchTexts {
  static final List<String> SURNAMES = List.of("Alvarez", "Brennan", "Chen", "Dawson", "Okafor", "Lindqvist",
      "Moreno", "Patel", "Nguyen", "Fischer", "Kowalski", "Romero", "Tanaka", "Whitfield", "Grant", "Haddad",
      "Daysog", "Vella", "Ashcraft", "Jensen", "Herrera", "Keough", "Dillon", "Mantay", "Quinlivan", "Foley");
  static final List<String> STREETS = List.of("Park Street", "Oak Street", "Santa Clara Avenue", "Shoreline Drive",
      "Webster Street", "Lincoln Avenue", "Main Street", "Harbor Way", "Encinal Avenue", "Central Avenue");
  static final List<String> TOPICS = List.of("bicycle lane", "street tree planting", "pavement management",
      "accessory dwelling unit", "shoreline park", "library hours", "water main replacement", "police staffing",
      "affordable housing", "cannabis dispensary", "short-term rental", "parking meter", "storm drain",
      "climate action plan", "fire station", "senior center", "homeless shelter", "transit pass", "dog park",
      "noise ordinance", "sidewalk repair", "solar panels", "budget amendment", "sewer rate", "zoning map");
  private static final String[] WORDS = (
      "the council staff report recommendation public hearing item discussion members comments city"
          + " manager motion approve adopt resolution ordinance amendment agreement contract budget fiscal"
          + " year program funding grant department planning commission board community development"
          + " residents speakers concerns project design construction phase schedule cost estimate review"
          + " analysis environmental impact traffic safety maintenance services operations revenue expenses"
          + " capital improvement infrastructure neighborhood district property owners tenants permit"
          + " application variance appeal decision continued closed session litigation labor negotiations"
          + " consent calendar minutes previous meeting correction announcement proclamation presentation"
          + " update quarterly annual policy procedure code section chapter municipal regulations")
      .split(" ");

  private final Random random;

  BenchTexts(long seed) {
    random = new Random(seed);
  }

  /** A page of minutes (or of an agenda): about 1,800 characters. */
  String page(int pageNumber, boolean agenda) {
    StringBuilder s = new StringBuilder(2200);
    if (pageNumber == 1) {
      s.append(agenda ? "AGENDA\nREGULAR MEETING OF THE CITY COUNCIL\n" : "MINUTES OF THE REGULAR CITY COUNCIL MEETING\n");
      s.append("Mayor ").append(name()).append(" called the meeting to order at 7:0").append(random.nextInt(10))
          .append(" p.m. Present: Councilmembers ").append(name()).append(", ").append(name()).append(", ")
          .append(name()).append(" and ").append(name()).append(". Absent: None.\n");
    }
    while (s.length() < 1800) {
      switch (random.nextInt(4)) {
        case 0 -> s.append(agenda ? "" : "Councilmember ").append(agenda ? "" : name())
            .append(agenda ? "Recommendation to approve the " : " moved to approve the ").append(topic())
            .append(" agreement, seconded by Councilmember ").append(name()).append(". Motion carried ")
            .append(3 + random.nextInt(3)).append("-").append(random.nextInt(3)).append(". ");
        case 1 -> s.append("Adoption of Resolution No. 2024-").append(10 + random.nextInt(190))
            .append(" authorizing a contract of $").append(10 + random.nextInt(990)).append(",000 for the ")
            .append(topic()).append(" at ").append(100 + random.nextInt(3000)).append(" ")
            .append(STREETS.get(random.nextInt(STREETS.size()))).append(". ");
        default -> {
          for (int i = 0, n = 20 + random.nextInt(30); i < n; i++) {
            s.append(word()).append(' ');
          }
          s.append(topic()).append(".\n");
        }
      }
    }
    return s.toString();
  }

  String name() {
    return SURNAMES.get(random.nextInt(SURNAMES.size()));
  }

  String topic() {
    return TOPICS.get(random.nextInt(TOPICS.size()));
  }

  /** A word, the first of the list far more often than the last (roughly Zipf's law). */
  private String word() {
    double u = random.nextDouble();
    return WORDS[(int) (WORDS.length * u * u * u)];
  }
}
