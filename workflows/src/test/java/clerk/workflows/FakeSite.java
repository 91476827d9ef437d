package clerk.workflows;

import io.temporal.activity.Activity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-memory stand-in for the database and the document activities of one site, so the workflow can be
 * tested on its own. It keeps the same rules as the real schema: a document enters a stage once it
 * completed the previous one, only pending documents move to failed, and counters are always recounted
 * from the documents' statuses.
 */
final class FakeSite implements SiteActivities, OcrActivities, DocumentActivities {
  enum Status {
    PENDING,
    COMPLETED,
    FAILED
  }

  /** What a document activity does before it succeeds: block, throw, count. Runs outside the lock. */
  @FunctionalInterface
  interface Behaviour {
    void before(Stage stage, DocumentRef document, int attempt) throws Exception;
  }

  final String subdomain;
  private final TreeMap<String, DocumentRef> documents = new TreeMap<>();
  private final Map<Stage, TreeMap<String, Status>> statuses = new EnumMap<>(Stage.class);
  private final Map<String, String> failureReasons = new HashMap<>();
  private final List<Stage> stagesBegun = new ArrayList<>();
  private final List<Integer> pendingLimits = new ArrayList<>();
  private final List<String> siteNotes = new ArrayList<>();
  private final List<Stage> ends = new ArrayList<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
  private final Map<Stage, String> taskQueues = new ConcurrentHashMap<>();
  private final AtomicInteger deploys = new AtomicInteger();
  private final AtomicInteger documentCalls = new AtomicInteger();

  /** Document activities running right now, and the most ever seen at once. */
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger maxRunning = new AtomicInteger();

  private volatile Behaviour behaviour = (stage, document, attempt) -> {};

  FakeSite(String subdomain, int documentCount) {
    this.subdomain = subdomain;
    LocalDate first = LocalDate.of(2020, 1, 6);
    for (int i = 0; i < documentCount; i++) {
      // Mix kinds and meetings so ids do not sort like the creation order.
      String kind = i % 3 == 0 ? DocumentRef.AGENDAS : DocumentRef.MINUTES;
      String meeting = i % 2 == 0 ? "CityCouncil" : "PlanningCommission";
      DocumentRef document = new DocumentRef(subdomain, kind, meeting, first.plusDays(i).toString());
      documents.put(document.id(), document);
    }
  }

  FakeSite behave(Behaviour behaviour) {
    this.behaviour = behaviour;
    return this;
  }

  List<String> documentIds() {
    return List.copyOf(documents.keySet());
  }

  // ---- SiteActivities

  @Override
  public synchronized StageCounters beginStage(String subdomain, Stage stage) {
    checkSite(subdomain);
    stagesBegun.add(stage);
    TreeMap<String, Status> entered = statuses.computeIfAbsent(stage, s -> new TreeMap<>());
    for (String id : documents.keySet()) {
      boolean eligible =
          stage == Stage.OCR || statusOf(previous(stage), id) == Status.COMPLETED;
      if (eligible) {
        entered.putIfAbsent(id, Status.PENDING);
      }
    }
    return counters(stage);
  }

  @Override
  public synchronized List<DocumentRef> pendingDocuments(
      String subdomain, Stage stage, String afterId, int limit) {
    checkSite(subdomain);
    pendingLimits.add(limit);
    List<DocumentRef> pending = new ArrayList<>();
    Map<String, Status> entered =
        afterId == null ? stage(stage) : stage(stage).tailMap(afterId, false);
    for (Map.Entry<String, Status> entry : entered.entrySet()) {
      if (pending.size() == limit) {
        break;
      }
      if (entry.getValue() == Status.PENDING) {
        pending.add(documents.get(entry.getKey()));
      }
    }
    return pending;
  }

  /** A document done in a stage by an earlier run. */
  synchronized void complete(Stage stage, String documentId) {
    stage(stage).put(documentId, Status.COMPLETED);
  }

  /** What reconciliation does when a document's output vanished: back to pending in the stage. */
  synchronized void reset(Stage stage, String documentId) {
    stage(stage).put(documentId, Status.PENDING);
  }

  @Override
  public synchronized StageCounters recordFailure(
      String subdomain, Stage stage, String documentId, String reason) {
    checkSite(subdomain);
    for (Map.Entry<String, Status> entry : stage(stage).entrySet()) {
      boolean target = documentId == null || entry.getKey().equals(documentId);
      // A late failure report never un-completes a document.
      if (target && entry.getValue() == Status.PENDING) {
        entry.setValue(Status.FAILED);
        failureReasons.put(key(stage, entry.getKey()), reason);
      }
    }
    return counters(stage);
  }

  @Override
  public synchronized StageCounters stageCounters(String subdomain, Stage stage) {
    checkSite(subdomain);
    return counters(stage);
  }

  @Override
  public synchronized Stage stageToResume(String subdomain) {
    checkSite(subdomain);
    for (Stage stage : Stage.PIPELINE) {
      if (statuses.containsKey(stage) && !counters(stage).finished()) {
        return stage;
      }
    }
    return Stage.COMPLETED;
  }

  @Override
  public synchronized void completeSite(String subdomain, String note) {
    checkSite(subdomain);
    siteNotes.add(note);
  }

  /** As the repository does: the first stage with work, else failed when a stage failed all, else completed. */
  @Override
  public synchronized Stage finishSite(String subdomain, String note) {
    checkSite(subdomain);
    int call = finishCalls.incrementAndGet();
    finishHook.run(call, false);
    Stage end = decideEnd(note);
    finishHook.run(call, true);
    return end;
  }

  private Stage decideEnd(String note) {
    Stage work = stageToResume(subdomain);
    if (!work.isEnd()) {
      return work;
    }
    siteNotes.add(note);
    for (Stage stage : Stage.PIPELINE) {
      StageCounters c = counters(stage);
      if (c.total() > 0 && c.completed() == 0 && c.failed() > 0) {
        ends.add(Stage.FAILED);
        return Stage.FAILED;
      }
    }
    ends.add(Stage.COMPLETED);
    return Stage.COMPLETED;
  }

  /** What happens around finishSite's decision: before ({@code decided} false) and after it. */
  @FunctionalInterface
  interface FinishHook {
    void run(int call, boolean decided);
  }

  private volatile FinishHook finishHook = (call, decided) -> {};
  private final AtomicInteger finishCalls = new AtomicInteger();

  FakeSite onFinish(FinishHook hook) {
    this.finishHook = hook;
    return this;
  }

  /** What reconciliation does when a document's PDF changed: every stage pending again. */
  synchronized void sendBackToOcr(String documentId) {
    for (Stage stage : Stage.PIPELINE) {
      if (stage(stage).containsKey(documentId)) {
        stage(stage).put(documentId, Status.PENDING);
      }
    }
  }

  /** The database and the storage down until this time of {@code clock} (ms); unset: never down. */
  private volatile java.util.function.LongSupplier clock = () -> 0;
  private volatile long downUntil = Long.MIN_VALUE;
  final AtomicInteger gateCalls = new AtomicInteger();

  /** An outage: every document activity and the gate fail Unavailable until {@code until} on the clock. */
  FakeSite outage(java.util.function.LongSupplier clock, long until) {
    this.clock = clock;
    this.downUntil = until;
    return this;
  }

  private void failWhileDown() {
    if (clock.getAsLong() < downUntil) {
      throw io.temporal.failure.ApplicationFailure.newFailure(
          "database unavailable: Connection refused", SitePipelineWorkflowImpl.UNAVAILABLE);
    }
  }

  @Override
  public void awaitAvailable(String subdomain) {
    checkSite(subdomain);
    gateCalls.incrementAndGet();
    failWhileDown();
  }

  /** Every batch workflow the test server knows runs until it reports: a fake cannot ask it. */
  @Override
  public List<String> runningWorkflows(List<String> workflowIds) {
    return workflowIds.stream().filter(id -> !endedWorkflows.contains(id)).toList();
  }

  /** Workflows that have ended (all others run). */
  final Set<String> endedWorkflows = ConcurrentHashMap.newKeySet();

  /** The end state of every finished run, in order. */
  synchronized List<Stage> ends() {
    return List.copyOf(ends);
  }

  // ---- document activities

  /** Calls of ocrDocument (one document's own OCR activity), attempts included. */
  final AtomicInteger ocrDocumentCalls = new AtomicInteger();

  @Override
  public DocumentOutcome ocrDocument(DocumentRef document) {
    ocrDocumentCalls.incrementAndGet();
    Integer pages = longDocuments.get(document.id());
    if (pages != null) {
      ranges.computeIfAbsent(document.id(), k -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(1);
      rangeRun(document, 1);
      return DocumentOutcome.split(document.id(), pages, "split");
    }
    return process(Stage.OCR, document);
  }

  /** Born-digital documents: read in the batch's one text-layer activity; the others need Tesseract. */
  final Set<String> textLayers = ConcurrentHashMap.newKeySet();

  /** Calls of ocrDocuments, attempts included. */
  final AtomicInteger textLayerCalls = new AtomicInteger();

  /** ocrDocuments fails every attempt, as a bug in it would. */
  volatile boolean textLayersBroken;

  @Override
  public List<DocumentOutcome> ocrDocuments(List<DocumentRef> documents) {
    textLayerCalls.incrementAndGet();
    if (textLayersBroken) {
      throw new IllegalStateException("a bug in reading text layers");
    }
    List<DocumentOutcome> out = new ArrayList<>();
    for (DocumentRef d : documents) {
      if (!textLayers.contains(d.id())) {
        out.add(DocumentOutcome.deferred(d.id(), "page 1 of 1 has no usable text layer"));
        continue;
      }
      try {
        out.add(process(Stage.OCR, d));
      } catch (io.temporal.failure.ApplicationFailure f) {
        if (!f.isNonRetryable()) {
          throw f;
        }
        out.add(DocumentOutcome.failed(d.id(), f.getOriginalMessage()));
      }
    }
    return out;
  }

  /** Documents OCRed in page ranges: their page counts. */
  final Map<String, Integer> longDocuments = new ConcurrentHashMap<>();
  /** First pages of the ranges OCRed, per document. */
  final Map<String, Set<Integer>> ranges = new ConcurrentHashMap<>();

  @Override
  public DocumentOutcome ocrPages(DocumentRef document, int first, int last) {
    ranges.computeIfAbsent(document.id(), k -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(first);
    rangeRun(document, first);
    return new DocumentOutcome(document.id(), last - first + 1, "pages " + first + "-" + last);
  }

  /** A range's activity: runs the test's behaviour (for OCR, with the range's first page as the attempt). */
  private void rangeRun(DocumentRef document, int first) {
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    try {
      run(Stage.OCR, document, first);
    } finally {
      running.decrementAndGet();
    }
  }

  @Override
  public DocumentOutcome commitPages(DocumentRef document, int pages) {
    int expected = (pages + OcrActivities.RANGE_PAGES - 1) / OcrActivities.RANGE_PAGES;
    if (ranges.getOrDefault(document.id(), Set.of()).size() != expected) {
      throw new IllegalStateException(document + ": ranges missing");
    }
    return process(Stage.OCR, document);
  }

  @Override
  public DocumentOutcome compileDocument(DocumentRef document) {
    return process(Stage.COMPILATION, document);
  }

  @Override
  public DocumentOutcome extractDocument(DocumentRef document) {
    return process(Stage.EXTRACTION, document);
  }

  /** As the real activity: bad input is the document's outcome, anything else fails the batch. */
  @Override
  public List<DocumentOutcome> compileDocuments(List<DocumentRef> documents) {
    return each(Stage.COMPILATION, documents);
  }

  @Override
  public List<DocumentOutcome> extractDocuments(List<DocumentRef> documents) {
    return each(Stage.EXTRACTION, documents);
  }

  private List<DocumentOutcome> each(Stage stage, List<DocumentRef> documents) {
    batchCalls.incrementAndGet();
    List<DocumentOutcome> out = new ArrayList<>();
    for (DocumentRef d : documents) {
      try {
        out.add(process(stage, d));
      } catch (io.temporal.failure.ApplicationFailure f) {
        if (!f.isNonRetryable()) {
          throw f;
        }
        out.add(DocumentOutcome.failed(d.id(), f.getOriginalMessage()));
      }
    }
    return out;
  }

  /** Calls of compileDocuments and extractDocuments, attempts included. */
  final AtomicInteger batchCalls = new AtomicInteger();

  @Override
  public StageCounters deploySite(String subdomain) {
    checkSite(subdomain);
    deploys.incrementAndGet();
    run(Stage.DEPLOY, null, deploys.get());
    synchronized (this) {
      stage(Stage.DEPLOY).replaceAll((id, s) -> s == Status.PENDING ? Status.COMPLETED : s);
      return counters(Stage.DEPLOY);
    }
  }

  private DocumentOutcome process(Stage stage, DocumentRef document) {
    checkSite(document.subdomain());
    documentCalls.incrementAndGet();
    String key = key(stage, document.id());
    int attempt = attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    try {
      run(stage, document, attempt);
      synchronized (this) {
        if (stage != Stage.OCR
            && stage(Stage.values()[stage.ordinal() - 1]).get(document.id()) != Status.COMPLETED) {
          // As the real activities do: sent back to an earlier stage meanwhile, nothing marked.
          return DocumentOutcome.superseded(document.id(), "sent back");
        }
        stage(stage).put(document.id(), Status.COMPLETED);
      }
      successes.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      return new DocumentOutcome(document.id(), 2, stage.dbName() + " done");
    } finally {
      running.decrementAndGet();
    }
  }

  private void run(Stage stage, DocumentRef document, int attempt) {
    taskQueues.put(stage, Activity.getExecutionContext().getInfo().getActivityTaskQueue());
    failWhileDown();
    try {
      behaviour.before(stage, document, attempt);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw Activity.wrap(e);
    }
  }

  // ---- what the tests look at

  synchronized StageCounters counters(Stage stage) {
    int total = 0;
    int completed = 0;
    int failed = 0;
    for (Status status : stage(stage).values()) {
      total++;
      completed += status == Status.COMPLETED ? 1 : 0;
      failed += status == Status.FAILED ? 1 : 0;
    }
    return new StageCounters(stage, total, completed, failed);
  }

  synchronized Status statusOf(Stage stage, String documentId) {
    return stage(stage).get(documentId);
  }

  synchronized String failureReason(Stage stage, String documentId) {
    return failureReasons.get(key(stage, documentId));
  }

  synchronized List<Stage> stagesBegun() {
    return List.copyOf(stagesBegun);
  }

  synchronized List<Integer> pendingLimits() {
    return List.copyOf(pendingLimits);
  }

  synchronized List<String> siteNotes() {
    return List.copyOf(siteNotes);
  }

  int attempts(Stage stage, String documentId) {
    AtomicInteger n = attempts.get(key(stage, documentId));
    return n == null ? 0 : n.get();
  }

  int successes(Stage stage, String documentId) {
    AtomicInteger n = successes.get(key(stage, documentId));
    return n == null ? 0 : n.get();
  }

  /** Calls of ocrDocument, compileDocument and extractDocument, attempts included. */
  int documentCalls() {
    return documentCalls.get();
  }

  int deploys() {
    return deploys.get();
  }

  /** The task queue a stage's activities last ran on. */
  String taskQueue(Stage stage) {
    return taskQueues.get(stage);
  }

  private TreeMap<String, Status> stage(Stage stage) {
    return statuses.computeIfAbsent(stage, s -> new TreeMap<>());
  }

  private static Stage previous(Stage stage) {
    return Stage.values()[stage.ordinal() - 1];
  }

  private static String key(Stage stage, String documentId) {
    return stage + " " + documentId;
  }

  private void checkSite(String subdomain) {
    if (!this.subdomain.equals(subdomain)) {
      throw new IllegalArgumentException("unknown site " + subdomain);
    }
  }
}
