package clerk.activities.images;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.sample.SamplePdfs;
import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageImageRendererTest {
  @TempDir Path dir;
  final PageImageRenderer renderer = new PageImageRenderer();
  final List<Path> written = new ArrayList<>();

  Path pdf(String name, Style... styles) throws Exception {
    List<SamplePage> pages = new ArrayList<>();
    for (Style s : styles) {
      pages.add(new SamplePage(s, List.of("CITY COUNCIL MINUTES", "Moved by Councilmember Vella. Carried.")));
    }
    Path pdf = dir.resolve(name);
    SamplePdfs.write(pdf, pages, 3);
    return pdf;
  }

  @Test
  void everyPageBecomesA1200PixelWidePngOf16GreysUprightWhateverItsRotation() throws Exception {
    Path pdf = pdf("a.pdf", Style.DIGITAL, Style.SCANNED_ROTATE_ATTR, Style.SCANNED_GRAY);
    Path out = dir.resolve("site/CityCouncil/2024-01-16");
    List<Integer> progress = new ArrayList<>();

    int rendered = renderer.render(pdf, out, false, written::add, progress::add);

    assertThat(rendered).isEqualTo(3);
    assertThat(progress).containsExactly(1, 2, 3);
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("1.png", "2.png", "3.png");
    }
    for (int n = 1; n <= 3; n++) {
      BufferedImage image = ImageIO.read(out.resolve(n + ".png").toFile());
      assertThat(image.getWidth()).isEqualTo(PageImageRenderer.WIDTH);
      assertThat(image.getHeight()).as("a letter page, upright: taller than wide").isGreaterThan(1500);
      assertThat(image.getColorModel()).isInstanceOfSatisfying(IndexColorModel.class,
          cm -> assertThat(cm.getMapSize()).isEqualTo(16));
    }
    assertThat(written).as("each file handed to the bundle's permissions before it is renamed in").hasSize(3);
  }

  @Test
  void pagesAlreadyRenderedAreNotRenderedAgainUnlessAskedAndAShorterPdfLeavesNoExtraImages() throws Exception {
    Path out = dir.resolve("out");
    renderer.render(pdf("a.pdf", Style.DIGITAL, Style.DIGITAL, Style.DIGITAL), out, false, p -> {}, p -> {});
    Files.delete(out.resolve("2.png")); // a crash left the document half rendered

    assertThat(renderer.render(pdf("a.pdf", Style.DIGITAL, Style.DIGITAL, Style.DIGITAL), out, false, p -> {},
        p -> {})).as("only the missing page").isEqualTo(1);

    // The PDF was replaced by a two-page one: every page again, the third image removed.
    assertThat(renderer.render(pdf("b.pdf", Style.SCANNED, Style.DIGITAL), out, true, p -> {}, p -> {})).isEqualTo(2);
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("1.png", "2.png");
    }
  }
}
