package clerk.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.graphics.image.CCITTFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * A 1-bit page as an embedded JBIG2 stream (the form PDF's JBIG2Decode filter takes: segments, no file
 * header), so the benchmark has JBIG2 scans without a JBIG2 encoder on the machine (Debian has none).
 * One immediate lossless generic region coded with MMR, which is CCITT Group 4 (T.6) coding: PDFBox's
 * G4 encoder makes the data. Real copiers use symbol dictionaries too; the decoder path they take
 * (PDFBox with jbig2-imageio, poppler's JBIG2Stream, Ghostscript's jbig2dec) is the same filter.
 */
final class Jbig2 {
  private static final int PAGE_INFORMATION = 48;
  private static final int IMMEDIATE_LOSSLESS_GENERIC_REGION = 39;
  private static final int END_OF_PAGE = 49;

  private Jbig2() {}

  /** @param bits a TYPE_BYTE_BINARY image, black text on white */
  static byte[] encode(PDDocument scratch, BufferedImage bits, int dpi) throws IOException {
    byte[] mmr;
    PDImageXObject g4 = CCITTFactory.createFromImage(scratch, bits);
    try (InputStream raw = g4.getCOSObject().createRawInputStream()) {
      mmr = raw.readAllBytes();
    }
    int width = bits.getWidth();
    int height = bits.getHeight();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int dpm = Math.round(dpi / 0.0254f); // resolution in pixels per metre
    segment(out, 0, PAGE_INFORMATION, ByteBuffer.allocate(19).putInt(width).putInt(height).putInt(dpm).putInt(dpm)
        .put((byte) 0x01).putShort((short) 0).array());
    ByteBuffer region = ByteBuffer.allocate(18 + mmr.length);
    region.putInt(width).putInt(height).putInt(0).putInt(0).put((byte) 0); // region info, OR
    region.put((byte) 0x01); // MMR coding, template 0, no typical prediction
    region.put(mmr);
    segment(out, 1, IMMEDIATE_LOSSLESS_GENERIC_REGION, region.array());
    segment(out, 2, END_OF_PAGE, new byte[0]);
    return out.toByteArray();
  }

  private static void segment(ByteArrayOutputStream out, int number, int type, byte[] data) {
    ByteBuffer header = ByteBuffer.allocate(11);
    header.putInt(number);
    header.put((byte) type); // page association in one byte
    header.put((byte) 0); // refers to no segment
    header.put((byte) 1); // page 1
    header.putInt(data.length);
    out.writeBytes(header.array());
    out.writeBytes(data);
  }
}
