package clerk.workflows;

/**
 * One document of a site: a meeting's minutes or agenda for one date. Small on purpose: workflows pass
 * these, never page texts.
 *
 * @param subdomain the site, e.g. {@code alameda.ca.us}
 * @param kind {@link #MINUTES} or {@link #AGENDAS}
 * @param meeting the meeting folder name, e.g. {@code CityCouncil}
 * @param date the file's base name, e.g. {@code 2024-01-15}
 */
public record DocumentRef(String subdomain, String kind, String meeting, String date) {
  public static final String MINUTES = "minutes";
  public static final String AGENDAS = "agendas";

  /** Unique within the site: {@code minutes/CityCouncil/2024-01-15}. */
  public String id() {
    return kind + "/" + meeting + "/" + date;
  }

  @Override
  public String toString() {
    return subdomain + ":" + id();
  }
}
