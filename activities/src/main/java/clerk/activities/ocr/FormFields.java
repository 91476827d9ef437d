package clerk.activities.ocr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotation;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDButton;
import org.apache.pdfbox.pdmodel.interactive.form.PDChoice;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.apache.pdfbox.pdmodel.interactive.form.PDTerminalField;
import org.apache.pdfbox.pdmodel.interactive.form.PDTextField;

/**
 * The filled-in values of a page's AcroForm fields, as "label: value" lines. A fillable agenda or
 * notice keeps the meeting's number, date, place and items in field values, which are annotations,
 * not page text: without them search finds only the blank template. The label is the field's
 * tooltip (what Acrobat shows a person filling it in), else its name.
 */
final class FormFields {
  private FormFields() {}

  static List<String> lines(PDDocument document, PDPage page) throws IOException {
    // No fix-ups: the default one rebuilds appearance streams, work (and writes) reading needs not.
    PDAcroForm form = document.getDocumentCatalog().getAcroForm(null);
    if (form == null) {
      return List.of();
    }
    Set<COSBase> onPage = new HashSet<>();
    for (PDAnnotation annotation : page.getAnnotations()) {
      if (annotation instanceof PDAnnotationWidget) {
        onPage.add(annotation.getCOSObject());
      }
    }
    if (onPage.isEmpty()) {
      return List.of();
    }
    record Filled(float top, float left, String line) {}
    List<Filled> filled = new ArrayList<>();
    for (PDField field : form.getFieldTree()) {
      if (!(field instanceof PDTerminalField terminal)) {
        continue;
      }
      String value = value(terminal);
      if (value.isBlank()) {
        continue;
      }
      for (PDAnnotationWidget widget : terminal.getWidgets()) {
        if (onPage.contains(widget.getCOSObject())) {
          PDRectangle at = widget.getRectangle();
          filled.add(new Filled(at == null ? 0 : -at.getUpperRightY(), at == null ? 0 : at.getLowerLeftX(),
              label(terminal) + ": " + value.strip()));
          break; // one line per field, however many widgets show it
        }
      }
    }
    filled.sort(Comparator.comparingDouble(Filled::top).thenComparingDouble(Filled::left));
    return filled.stream().map(Filled::line).toList();
  }

  private static String value(PDTerminalField field) {
    if (field instanceof PDTextField text) {
      return text.getValueAsString();
    }
    if (field instanceof PDChoice choice) {
      return String.join(", ", choice.getValue());
    }
    if (field instanceof PDButton button && !(button.isPushButton())) {
      String state = button.getValueAsString();
      return "Off".equals(state) ? "" : state; // a ticked box or radio: its export value, e.g. "Yes"
    }
    if (field instanceof PDSignatureField) {
      return "";
    }
    return field.getValueAsString();
  }

  private static String label(PDField field) {
    String tooltip = field.getAlternateFieldName();
    if (tooltip != null && !tooltip.isBlank()) {
      return tooltip.strip();
    }
    String name = field.getPartialName() == null ? "" : field.getPartialName();
    // meeting_number, meetingDate -> "meeting number", "meeting Date"
    return name.replace('_', ' ').replaceAll("([a-z])([A-Z])", "$1 $2").strip();
  }
}
