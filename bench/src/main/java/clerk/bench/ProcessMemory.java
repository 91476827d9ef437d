package clerk.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A process's resident memory as the kernel counts it (VmRSS: Java heap, metaspace, thread stacks and
 * native allocations such as Tesseract's alike), sampled every quarter second with the peak kept.
 */
final class ProcessMemory implements AutoCloseable {
  private final long pid;
  private final AtomicLong peakKb = new AtomicLong();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "rss-sampler");
    t.setDaemon(true);
    return t;
  });

  ProcessMemory(long pid) {
    this.pid = pid;
    sampler.scheduleAtFixedRate(() -> peakKb.accumulateAndGet(rssKb(pid), Math::max), 0, 250, TimeUnit.MILLISECONDS);
  }

  /** Current RSS in MB. */
  double nowMb() {
    return rssKb(pid) / 1024.0;
  }

  /** The peak since the last reset, in MB, and starts a new peak. */
  double takePeakMb() {
    return Math.max(peakKb.getAndSet(0), rssKb(pid)) / 1024.0;
  }

  /** VmRSS of a process, or of it and its children's sum when asked for a tree; 0 once it is gone. */
  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException gone) {
      // the process ended
    }
    return 0;
  }

  /** RSS in KB of the process and all its descendants (OCRmyPDF's and xargs' workers). */
  static long treeRssKb(ProcessHandle root) {
    return rssKb(root.pid()) + root.descendants().mapToLong(p -> rssKb(p.pid())).sum();
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
