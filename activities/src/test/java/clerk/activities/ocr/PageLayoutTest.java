package clerk.activities.ocr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Words and reading order from glyph positions alone (no PDF): the cases the thresholds decide. */
class PageLayoutTest {
  private static final float SIZE = 10;
  /** Every glyph of these tests is 5 points wide (half the font size). */
  private static final float WIDTH = 5;

  @Test
  void ordinaryTextBreaksAtSpacesAndNotAtKerning() {
    assertThat(PageLayout.text(words(100, 72, 0.02f, 0.28f, "Motion", "carried"))).isEqualTo("Motion carried");
  }

  @Test
  void aLetterSpacedLineIsJoinedIntoWords() {
    // 0.25 em after every letter, 0.55 em between words: how old writers track a line.
    List<Glyph> line = words(100, 72, 0.25f, 0.55f, "rejected", "by", "council");

    assertThat(PageLayout.text(line)).isEqualTo("rejected by council");
  }

  @Test
  void aLetterSpacedWordInsideOrdinaryTextIsJoined() {
    List<Glyph> line = new ArrayList<>(words(100, 72, 0.02f, 0.28f, "The", "motion"));
    line.addAll(words(100, after(line, 0.53f), 0.25f, 0.55f, "rejected"));
    line.addAll(words(100, after(line, 0.53f), 0.02f, 0.28f, "today"));

    assertThat(PageLayout.text(line)).isEqualTo("The motion rejected today");
  }

  @Test
  void evenlySpacedOneLetterWordsInOrdinaryTextStaySeparate() {
    List<Glyph> line = words(100, 72, 0.02f, 0.28f, "cut", "of", "a", "5", "x", "7", "card");

    assertThat(PageLayout.text(line)).isEqualTo("cut of a 5 x 7 card");
  }

  @Test
  void aHeadingBetweenTwoRowsOfColumnsIsReadBetweenThem() {
    List<Glyph> page = new ArrayList<>();
    // Written row by row: left and right column side by side, a full-width heading, two more rows.
    for (String[] row : new String[][] {{"100", "A1"}, {"112", "A2"}, {"160", "C1"}, {"172", "C2"}}) {
      String right = row[1].startsWith("A") ? "B" : "D";
      page.addAll(words(Float.parseFloat(row[0]), 72, 0.02f, 0.28f, row[1], "motion", "carried", "unanimously"));
      page.addAll(words(Float.parseFloat(row[0]), 240, 0.02f, 0.28f, right + row[1].charAt(1), "motion", "carried", "unanimously"));
    }
    page.addAll(words(136, 72, 0.02f, 0.28f, "HEADING", "ACROSS", "BOTH", "COLUMNS", "OF", "THE", "PAGE"));

    assertThat(PageLayout.text(page).split("\\n")).extracting(line -> line.split(" ")[0]).containsExactly(
        "A1", "A2", "B1", "B2", "HEADING", "C1", "C2", "D1", "D2");
  }

  @Test
  void aTableOfShortCellsIsReadRowByRow() {
    List<Glyph> page = new ArrayList<>();
    page.addAll(words(100, 72, 0.02f, 0.28f, "Item"));
    page.addAll(words(100, 200, 0.02f, 0.28f, "Mover"));
    page.addAll(words(100, 320, 0.02f, 0.28f, "Vote"));
    page.addAll(words(112, 72, 0.02f, 0.28f, "Budget"));
    page.addAll(words(112, 200, 0.02f, 0.28f, "Smith"));
    page.addAll(words(112, 320, 0.02f, 0.28f, "5-0"));

    assertThat(PageLayout.text(page).split("\\n")).containsExactly("Item", "Mover", "Vote", "Budget", "Smith", "5-0");
  }

  /** Glyphs 5 points wide on one baseline from {@code x}: gaps in em after letters and between words. */
  private static List<Glyph> words(float baseline, float x, float letterGap, float wordGap, String... words) {
    List<Glyph> out = new ArrayList<>();
    for (String word : words) {
      if (!out.isEmpty()) {
        x += (wordGap - letterGap) * SIZE;
      }
      for (char c : word.toCharArray()) {
        out.add(new Glyph(String.valueOf(c), x, baseline, WIDTH, SIZE));
        x += WIDTH + letterGap * SIZE;
      }
    }
    return out;
  }

  private static float after(List<Glyph> line, float gapEm) {
    return line.get(line.size() - 1).right() + gapEm * SIZE;
  }
}
