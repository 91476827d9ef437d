package clerk.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/configuration.md and the settings the code binds are the same list, defaults and forms alike. */
class ConfigurationDocTest {
  static final Path DOC = Path.of("..", "docs", "configuration.md");

  /** The rows of the "Settings" table: variable → [default, form], backticks dropped. */
  static Map<String, List<String>> documented() throws Exception {
    List<String> lines = Files.readAllLines(DOC);
    int start = lines.indexOf("## Settings");
    assertThat(start).as("a '## Settings' section in " + DOC).isPositive();
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("## ")) {
        break;
      }
      if (line.startsWith("| `")) {
        String[] cells = line.substring(1).split(" \\| ");
        rows.put(plain(cells[0]), List.of(plain(cells[1]), plain(cells[2])));
      }
    }
    return rows;
  }

  private static String plain(String cell) {
    return cell.replace("`", "").replace("|", "").trim();
  }

  @Test
  void everySettingInTheCodeIsDocumentedWithItsDefaultAndFormAndNothingElseIs() throws Exception {
    Map<String, List<String>> inCode = new LinkedHashMap<>();
    EnvironmentBinder.SETTINGS.forEach(s -> inCode.put(s.env(), List.of(s.defaultValue(), s.form())));
    assertThat(documented()).containsExactlyInAnyOrderEntriesOf(inCode);
  }

  @Test
  void everyListedSettingIsRead() throws Exception {
    // An entry of the list that ClerkSettings never binds would document a setting that does nothing.
    String code = Files.readString(Path.of("src", "main", "java", "clerk", "client", "ClerkSettings.java"));
    assertThat(EnvironmentBinder.SETTINGS).allSatisfy(s -> assertThat(code).contains("\"" + s.env() + "\""));
  }

  @Test
  void aSettingMissingFromTheListCannotBeRead() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EnvironmentBinder.setting("CLERK_NOT_A_SETTING"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not in EnvironmentBinder.SETTINGS");
  }
}
