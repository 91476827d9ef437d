package clerk.activities.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Named things on a page of minutes or an agenda, for the site's {@code entities_json} column, in the
 * shape civic.band publishes: {@code persons}, {@code orgs} and {@code locations}, each a list of
 * {@code {"text": ...}} objects (a person also with the {@code title} it was found after), and three
 * keys of clerk's own that civic.band's readers ignore: {@code resolutions}, {@code ordinances},
 * {@code amounts}. Plain patterns, no model: the same text always gives the same entities,
 * deduplicated, in order of first appearance. Precision over recall: a missed name is better than
 * "Mayor Comments" listed as a person.
 */
public final class EntityExtractor {
  /** Every key is always present, so the column has one shape; lists may be empty. */
  public static final List<String> KEYS =
      List.of("persons", "orgs", "locations", "resolutions", "ordinances", "amounts");

  /** A person and the title the page gave them where they were first named ("Councilmember"). */
  public record Person(String text, String title) {}

  /** What one page names, by kind. */
  public record Entities(List<Person> persons, List<String> orgs, List<String> locations,
      List<String> resolutions, List<String> ordinances, List<String> amounts) {
    /** civic.band's shape: persons, orgs and locations as objects with a {@code text}. */
    public Map<String, Object> toJson() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("persons", persons.stream().map(p -> {
        Map<String, String> person = new LinkedHashMap<>();
        person.put("text", p.text());
        person.put("title", p.title());
        return person;
      }).toList());
      out.put("orgs", orgs.stream().map(o -> Map.of("text", o)).toList());
      out.put("locations", locations.stream().map(l -> Map.of("text", l)).toList());
      out.put("resolutions", resolutions);
      out.put("ordinances", ordinances);
      out.put("amounts", amounts);
      return out;
    }
  }

  // Longest titles first so "Vice Mayor" wins over "Mayor"; an optional plural "s" introduces a list.
  private static final Pattern TITLE = Pattern.compile(
      "\\b(?:Vice Mayor|Deputy Mayor|Mayor Pro Tem(?:pore)?|Mayor|Council ?[Mm]ember|Councilman|Councilwoman"
          + "|Councillor|Councilor|Vice Chair(?:man|woman|person)?|Chair(?:man|woman|person)?"
          + "|Commissioner|Supervisor|Trustee|Alder(?:man|woman|person)|Board ?[Mm]ember"
          + "|Vice President|President|Director|Senator|Assemblymember|Representative)(s)?\\b");

  // A name word: "Daysog", "O'Brien", "Herrera-Spencer", "McDonald", or an initial "J."
  private static final Pattern NAME_WORD =
      Pattern.compile("[A-Z]\\.(?=[ \\t]+[A-Z])|[A-Z](?:[a-z]*[A-Z]?[a-z]+)?(?:['’-][A-Z]?[a-z]+)*");
  private static final Pattern INNER_SPACE = Pattern.compile("[ \\t]+");
  private static final Pattern LIST_SEPARATOR = Pattern.compile(",\\s*(?:and\\s+)?|\\s+and\\s+|\\s*&\\s*");
  private static final int MAX_NAME_WORDS = 3;

  // Capitalised words that follow a title but are not names ("Mayor Presiding", "Council Member Comments").
  private static final Set<String> NOT_NAMES = Set.of(
      "The", "A", "An", "And", "Or", "Of", "To", "In", "On", "At", "For", "By", "With", "From", "As", "All",
      "Mayor", "Vice", "Deputy", "Pro", "Tem", "Chair", "Chairman", "Chairwoman", "Chairperson", "Council",
      "Councilmember", "Councilmembers", "Member", "Members", "Commissioner", "Commissioners", "Supervisor",
      "Supervisors", "Trustee", "Trustees", "Director", "President", "Board", "Commission", "Committee",
      "City", "County", "Town", "Village", "State", "Staff", "Clerk", "Attorney", "Manager",
      "Moved", "Seconded", "Motion", "Comments", "Comment", "Communications", "Report", "Reports",
      "Announcements", "Referrals", "Presiding", "Present", "Absent", "Excused", "Aye", "Ayes", "Yes", "No",
      "Nay", "Nays", "Noes", "Abstain", "Abstaining", "Abstained", "Recused", "Called", "Stated", "Said",
      "Asked", "Requested", "Noted", "Inquired", "Thanked", "Made", "Opened", "Closed", "Adjourned",
      "Item", "Items", "Agenda", "Minutes", "Meeting", "Resolution", "Ordinance", "Public", "Hearing",
      "Session", "Regular", "Special", "Consent", "Calendar", "New", "Old", "Unfinished", "Business",
      "Roll", "Call", "Discussion", "Action", "Recommendation", "Election", "Elect", "Emeritus");

  private static final String NUMBER = "(\\d+(?:,\\d{3})*(?:[-–/][0-9A-Za-z]+)*)";
  private static final Pattern RESOLUTION = Pattern.compile(
      "\\b(?:Resolution|Res\\.)\\s*(?:No\\.?|Number|#)\\s*" + NUMBER, Pattern.CASE_INSENSITIVE);
  private static final Pattern ORDINANCE = Pattern.compile(
      "\\b(?:Ordinance|Ord\\.)\\s*(?:No\\.?|Number|#)\\s*" + NUMBER, Pattern.CASE_INSENSITIVE);
  private static final Pattern AMOUNT = Pattern.compile(
      "\\$\\s?\\d+(?:,\\d{3})*(?:\\.\\d+)?(?:\\s?(?i:million|billion|thousand)\\b)?");
  private static final Pattern ADDRESS = Pattern.compile(
      "\\b\\d{1,6}\\s+(?:[NSEW]\\.?\\s+)?(?:(?:[A-Z][a-z]+|\\d+(?:st|nd|rd|th))\\s+){1,3}"
          + "(?:Street|St|Avenue|Ave|Boulevard|Blvd|Road|Rd|Drive|Dr|Lane|Ln|Way|Court|Ct|Place|Pl"
          + "|Parkway|Pkwy|Circle|Terrace|Highway|Hwy)\\b");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  /** A capitalised word of a proper name ("Public", "McDonald"); "and"/"of" may join them. */
  private static final String CAP = "[A-Z][a-z]+(?:[A-Z][a-z]+)?";
  /** Capitalised words that open a sentence or a heading rather than an organisation's name. */
  private static final Set<String> NOT_LEADING = Set.of("The", "A", "An", "And", "Or", "Of", "To", "By", "With",
      "From", "At", "In", "On", "For", "As", "All", "Approved", "Approve", "Adopted", "Adopt", "Moved", "Seconded",
      "Motion", "Item", "Items", "Agenda", "Minutes", "Meeting", "Regular", "Special", "Joint", "Report", "Mayor",
      "Councilmember", "Councilmembers", "Chair", "Commissioner", "Director", "Staff", "Present", "Absent");

  /** "Board of Education", "Department of Public Works", "Office of the City Clerk". */
  private static final Pattern BODY_OF = Pattern.compile(
      "\\b(?:Board|Department|Office|Bureau|Commission|Committee|Council|Division)\\s+of\\s+(?:the\\s+)?"
          + CAP + "(?:\\s+(?:and\\s+)?" + CAP + "){0,3}\\b");
  /** "City Council", "Planning Commission", "Parks and Recreation Commission", "East Bay Regional Park District". */
  private static final Pattern NAMED_BODY = Pattern.compile(
      "\\b" + CAP + "(?:\\s+(?:and\\s+)?" + CAP + "){0,3}\\s+"
          + "(?:Council|Commission|Committee|Board|Authority|Agency|District|Department|Association|Foundation)\\b");
  /** "Ghilotti Bros.", "Acme Paving Inc.", "Bay Area Transit Company". */
  private static final Pattern COMPANY = Pattern.compile(
      "\\b" + CAP + "(?:\\s+" + CAP + "){0,3}\\s+(?:Inc\\.|LLC|Ltd\\.|Bros\\.|Corporation|Company|Co\\.)");
  /** "City of Alameda", "County of Marin", "State of California". */
  private static final Pattern PLACE = Pattern.compile(
      "\\b(?:City|Town|Village|County|Township|Borough|State|Port)\\s+of\\s+" + CAP + "(?:\\s+" + CAP + "){0,2}\\b");

  private EntityExtractor() {}

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** The page's {@code entities_json}; null when they cannot be found (deploy then tries, and says why). */
  public static String jsonOrNull(String pageText) {
    try {
      return JSON.writeValueAsString(extract(pageText).toJson());
    } catch (RuntimeException | StackOverflowError | com.fasterxml.jackson.core.JsonProcessingException e) {
      return null; // pattern matching over pathological OCR output can blow the stack
    }
  }

  /** The page's entities, each list deduplicated in order of appearance. */
  public static Entities extract(String pageText) {
    String text = pageText == null ? "" : pageText;
    List<String> locations = new ArrayList<>(matches(ADDRESS, text));
    matches(PLACE, text).stream().filter(p -> !locations.contains(p)).forEach(locations::add);
    return new Entities(persons(text), organisations(text), locations,
        numbered(RESOLUTION, text, "Resolution No. "), numbered(ORDINANCE, text, "Ordinance No. "),
        matches(AMOUNT, text));
  }

  private static List<Person> persons(String text) {
    Map<String, String> names = new LinkedHashMap<>(); // name -> the title it was first found after
    Matcher title = TITLE.matcher(text);
    while (title.find()) {
      boolean list = title.group(1) != null;
      String singular = INNER_SPACE.matcher(list ? title.group().substring(0, title.group().length() - 1)
          : title.group()).replaceAll(" ");
      int at = title.end();
      while (true) {
        int[] end = new int[1];
        String name = name(text, at, end);
        if (name == null) {
          break;
        }
        names.putIfAbsent(name, singular);
        Matcher sep = LIST_SEPARATOR.matcher(text).region(end[0], text.length());
        if (!list || !sep.lookingAt()) {
          break;
        }
        at = sep.end();
      }
    }
    List<Person> out = new ArrayList<>();
    names.forEach((name, t) -> out.add(new Person(name, t)));
    return out;
  }

  /** Public bodies and companies; a capitalised word that only starts the sentence is not part of the name. */
  private static List<String> organisations(String text) {
    Set<String> out = new LinkedHashSet<>();
    for (Pattern p : List.of(BODY_OF, NAMED_BODY, COMPANY)) {
      Matcher m = p.matcher(text);
      while (m.find()) {
        List<String> words = new ArrayList<>(List.of(SPACES.split(m.group())));
        while (words.size() > 1 && NOT_LEADING.contains(words.get(0))) {
          words.remove(0);
        }
        String name = String.join(" ", words);
        if (words.size() > 1 && out.stream().noneMatch(o -> o.contains(name))) {
          out.add(name);
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** The name after the blanks at {@code from}, or null; {@code end[0]} is set just past it. */
  private static String name(String text, int from, int[] end) {
    Matcher space = INNER_SPACE.matcher(text);
    int at = space.region(from, text.length()).lookingAt() ? space.end() : from;
    List<String> words = new ArrayList<>();
    List<Integer> ends = new ArrayList<>();
    Matcher word = NAME_WORD.matcher(text);
    while (words.size() < MAX_NAME_WORDS && word.region(at, text.length()).lookingAt()) {
      int wordEnd = word.end();
      // The word must end there: "Daysog's" or "MacArthur2" is not a name word.
      if (wordEnd < text.length()
          && (Character.isLetterOrDigit(text.charAt(wordEnd)) || text.charAt(wordEnd) == '\'')) {
        break;
      }
      if (NOT_NAMES.contains(word.group())) {
        break;
      }
      words.add(word.group());
      ends.add(wordEnd);
      if (!space.region(wordEnd, text.length()).lookingAt()) {
        break;
      }
      at = space.end();
    }
    // A trailing initial is more likely a sentence end ("Mayor Smith. A motion ...") than a name.
    while (!words.isEmpty() && words.get(words.size() - 1).endsWith(".")) {
      words.remove(words.size() - 1);
      ends.remove(ends.size() - 1);
    }
    if (words.isEmpty()) {
      return null;
    }
    end[0] = ends.get(ends.size() - 1);
    return String.join(" ", words);
  }

  private static List<String> numbered(Pattern p, String text, String label) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      out.add(label + m.group(1));
    }
    return new ArrayList<>(out);
  }

  private static List<String> matches(Pattern p, String text) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      out.add(SPACES.matcher(m.group()).replaceAll(" "));
    }
    return new ArrayList<>(out);
  }
}
