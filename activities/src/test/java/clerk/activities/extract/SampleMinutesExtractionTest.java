package clerk.activities.extract;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.sample.SampleDocument;
import clerk.activities.sample.SampleSites;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extractor finds in the generated sample minutes exactly the motions the generator says it wrote. */
class SampleMinutesExtractionTest {
  @Test
  void everyGeneratedMotionIsExtractedAsWritten(@TempDir Path dir) throws IOException {
    List<String> written = new ArrayList<>();
    List<String> extracted = new ArrayList<>();
    int motions = 0;
    for (SampleDocument d : SampleSites.generate(dir)) {
      if (d.corrupt() || !d.kind().equals("minutes")) {
        continue;
      }
      for (SampleDocument.Motion m : d.motions()) {
        written.add(d.ref().id() + " " + line(m.page(), m.motion(), m.mover(), m.seconder(), m.result(),
            m.ayes(), m.nays(), m.absent()));
      }
      for (Motion m : new MotionExtractor().extract(d.pageTexts())) {
        extracted.add(d.ref().id() + " " + line(m.page(), m.motion(), m.mover(), m.seconder(), m.result(),
            m.votes().get("ayes"), m.votes().get("nays"), m.votes().get("absent")));
      }
      motions += d.motions().size();
    }
    assertThat(motions).as("the generator records its motions").isGreaterThan(10);
    assertThat(extracted).containsExactlyElementsOf(written);
  }

  private static String line(int page, String motion, String mover, String seconder, String result,
      List<String> ayes, List<String> nays, List<String> absent) {
    return "p" + page + " " + mover + "/" + seconder + " '" + motion + "' " + result + " ayes=" + ayes
        + " nays=" + nays + " absent=" + absent;
  }
}
