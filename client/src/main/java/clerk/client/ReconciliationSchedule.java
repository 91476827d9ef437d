package clerk.client;

import clerk.workflows.ReconciliationRequest;
import clerk.workflows.ReconciliationWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.client.schedules.ScheduleUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciliation timer, on Temporal: a Schedule with the old systemd timer's design (random
 * jitter, catch-up of runs missed while the cluster was down, never two runs at once, a run timeout).
 * Where the server has no Schedules API (Temporal's Java test server, the embedded default) it falls
 * back to a cron workflow, which cannot jitter or catch up; the log says which one is in use.
 */
public final class ReconciliationSchedule {
  private static final Logger log = LoggerFactory.getLogger(ReconciliationSchedule.class);

  /** The Schedule's ID; its runs get workflow IDs {@code reconciliation-<time>}. */
  public static final String SCHEDULE_ID = "clerk-reconciliation";

  /** The fallback cron workflow's ID. */
  public static final String CRON_WORKFLOW_ID = ReconciliationWorkflow.ID_PREFIX + "/cron";

  /** Missed runs within this window are run when the cluster is back (at most one: overlap skip). */
  static final Duration CATCHUP_WINDOW = Duration.ofDays(1);

  private final WorkflowClient client;
  private final ClerkSettings settings;
  private final ScheduleClient schedules;

  public ReconciliationSchedule(WorkflowClient client, ClerkSettings settings) {
    this.client = client;
    this.settings = settings;
    this.schedules = ScheduleClient.newInstance(client.getWorkflowServiceStubs(),
        ScheduleClientOptions.newBuilder().setNamespace(client.getOptions().getNamespace()).build());
  }

  /** Jitter: a tenth of the interval, at most two minutes, like RandomizedDelaySec on a timer. */
  static Duration jitter(Duration interval) {
    Duration tenth = interval.dividedBy(10);
    return tenth.compareTo(Duration.ofMinutes(2)) > 0 ? Duration.ofMinutes(2) : tenth;
  }

  /** The Schedule as configured: interval, jitter, catch-up, overlap skip, the run's timeout. */
  Schedule schedule() {
    Duration interval = settings.reconcileInterval();
    return Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder()
            .setWorkflowType(ReconciliationWorkflow.class)
            .setArguments(ReconciliationRequest.scheduled((int) settings.staleThreshold().toMinutes()))
            .setOptions(Reconciliations.options(settings).setWorkflowId(ReconciliationWorkflow.ID_PREFIX).build())
            .build())
        .setSpec(ScheduleSpec.newBuilder()
            .setIntervals(List.of(new ScheduleIntervalSpec(interval)))
            .setJitter(jitter(interval))
            .build())
        .setPolicy(SchedulePolicy.newBuilder()
            .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
            .setCatchupWindow(CATCHUP_WINDOW)
            .build())
        .build();
  }

  /** A cron expression for the interval (cron workflows know no intervals): whole minutes or hours. */
  static String cron(Duration interval) {
    long minutes = Math.max(1, interval.toMinutes());
    if (minutes < 60) {
      long step = minutes;
      while (60 % step != 0) {
        step--;
      }
      return "*/" + step + " * * * *";
    }
    long hours = Math.min(24, minutes / 60);
    while (24 % hours != 0) {
      hours--;
    }
    return "0 */" + hours + " * * *";
  }

  /** Which mechanism runs reconciliation on this server. */
  public enum Mode {
    SCHEDULE,
    CRON,
    /** CLERK_RECONCILE_INTERVAL=off: an outside timer runs {@code clerk reconcile-pipeline}. */
    OFF
  }

  /**
   * Creates the Schedule, or brings an existing one in line with the settings (keeping its paused
   * state), or starts the cron workflow where Schedules are not available. Returns the mode.
   */
  public Mode ensure() {
    Duration interval = settings.reconcileInterval();
    if (!settings.reconcileOnSchedule()) {
      pause("CLERK_RECONCILE_INTERVAL=off");
      log.info("reconciliation: no schedule (CLERK_RECONCILE_INTERVAL=off); run 'clerk reconcile-pipeline'"
          + " from a timer (deploy/systemd/clerk-reconcile.timer)");
      return Mode.OFF;
    }
    try {
      ScheduleHandle handle = schedules.getHandle(SCHEDULE_ID);
      try {
        handle.describe();
        handle.update(input -> new ScheduleUpdate(Schedule.newBuilder(schedule())
            .setState(input.getDescription().getSchedule().getState())
            .build()));
      } catch (RuntimeException e) {
        if (code(e) != Status.Code.NOT_FOUND) {
          throw e;
        }
        schedules.createSchedule(SCHEDULE_ID, schedule(), ScheduleOptions.newBuilder().build());
      }
      log.info("reconciliation: Temporal Schedule '{}' every {} (jitter {}, catch-up {}, overlap skip,"
              + " run timeout {}, stale threshold {})", SCHEDULE_ID, human(interval), human(jitter(interval)),
          human(CATCHUP_WINDOW), human(settings.reconcileRunTimeout()), human(settings.staleThreshold()));
      return Mode.SCHEDULE;
    } catch (RuntimeException e) {
      if (code(e) != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
    }
    String cron = cron(interval);
    try {
      startCron(cron);
      log.info("reconciliation: this Temporal server has no Schedules API (the embedded test server);"
          + " using cron workflow '{}' with cron '{}' (no jitter or catch-up; run timeout {}, stale"
          + " threshold {})", CRON_WORKFLOW_ID, cron, human(settings.reconcileRunTimeout()),
          human(settings.staleThreshold()));
    } catch (WorkflowExecutionAlreadyStarted running) {
      log.info("reconciliation: cron workflow '{}' already running", CRON_WORKFLOW_ID);
    }
    return Mode.CRON;
  }

  private void startCron(String cron) {
    ReconciliationWorkflow workflow = client.newWorkflowStub(ReconciliationWorkflow.class,
        Reconciliations.options(settings).setWorkflowId(CRON_WORKFLOW_ID).setCronSchedule(cron).build());
    WorkflowClient.start(workflow::run,
        ReconciliationRequest.scheduled((int) settings.staleThreshold().toMinutes()));
  }

  /** The mode this server supports, without changing anything. */
  public Mode mode() {
    try {
      schedules.getHandle(SCHEDULE_ID).describe();
      return Mode.SCHEDULE;
    } catch (RuntimeException e) {
      return code(e) == Status.Code.UNIMPLEMENTED ? Mode.CRON : Mode.SCHEDULE;
    }
  }

  /** Lines for {@code clerk schedule show}. */
  public List<String> show() {
    List<String> out = new ArrayList<>();
    if (mode() == Mode.SCHEDULE) {
      ScheduleDescription d;
      try {
        d = schedules.getHandle(SCHEDULE_ID).describe();
      } catch (RuntimeException e) {
        if (code(e) != Status.Code.NOT_FOUND) {
          throw e;
        }
        out.add("schedule:   " + SCHEDULE_ID + " does not exist: the worker creates it at start-up"
            + " (unless CLERK_RECONCILE_INTERVAL=off)");
        return out;
      }
      ScheduleState state = d.getSchedule().getState();
      ScheduleSpec spec = d.getSchedule().getSpec();
      out.add("schedule:   " + SCHEDULE_ID + " (Temporal Schedule)");
      out.add("state:      " + (state.isPaused() ? "paused" + note(state.getNote()) : "active"));
      out.add("every:      " + spec.getIntervals().stream().map(i -> human(i.getEvery())).toList()
          + ", jitter " + human(spec.getJitter()));
      SchedulePolicy policy = d.getSchedule().getPolicy();
      out.add("policy:     overlap " + policy.getOverlap().name().replace("SCHEDULE_OVERLAP_POLICY_", "")
          .toLowerCase() + ", catch-up " + human(policy.getCatchupWindow()));
      out.add("runs:       " + d.getInfo().getNumActions() + " (skipped for overlap "
          + d.getInfo().getNumActionsSkippedOverlap() + ", missed catch-up "
          + d.getInfo().getNumActionsMissedCatchupWindow() + ")");
      out.add("running:    " + d.getInfo().getRunningActions().size());
      out.add("next runs:  " + d.getInfo().getNextActionTimes().stream().limit(3).toList());
      return out;
    }
    out.add("schedule:   " + CRON_WORKFLOW_ID + " (cron workflow: this server has no Schedules API)");
    DescribeWorkflowExecutionResponse cron = describeCron();
    boolean running = cron != null && cron.getWorkflowExecutionInfo().getStatus()
        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    out.add("state:      " + (running ? "active" : "paused (cron workflow not running)"));
    out.add("cron:       " + cron(settings.reconcileInterval()) + " (every " + human(settings.reconcileInterval()) + ")");
    return out;
  }

  /** Stops the timer; runs already started finish. */
  public void pause(String note) {
    if (mode() == Mode.SCHEDULE) {
      try {
        schedules.getHandle(SCHEDULE_ID).pause(note);
      } catch (RuntimeException e) {
        if (code(e) != Status.Code.NOT_FOUND) {
          throw e;
        }
      }
    } else {
      try {
        client.newUntypedWorkflowStub(CRON_WORKFLOW_ID).terminate(note);
      } catch (RuntimeException e) {
        if (code(e) != Status.Code.NOT_FOUND) {
          throw e;
        }
      }
    }
  }

  public void unpause(String note) {
    if (mode() == Mode.SCHEDULE) {
      schedules.getHandle(SCHEDULE_ID).unpause(note);
    } else {
      try {
        startCron(cron(settings.reconcileInterval()));
      } catch (WorkflowExecutionAlreadyStarted running) {
        // already active
      }
    }
  }

  /** Runs the scheduled action now (skipped, like any run, while another reconciliation acts). */
  public void trigger() {
    if (mode() == Mode.SCHEDULE) {
      schedules.getHandle(SCHEDULE_ID).trigger(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
    } else {
      WorkflowStub stub = client.newUntypedWorkflowStub(ReconciliationWorkflow.TYPE,
          Reconciliations.options(settings)
              .setWorkflowId(ReconciliationWorkflow.ID_PREFIX + "/trigger-" + java.util.UUID.randomUUID())
              .build());
      stub.start(ReconciliationRequest.scheduled((int) settings.staleThreshold().toMinutes()));
    }
  }

  private DescribeWorkflowExecutionResponse describeCron() {
    try {
      return client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(CRON_WORKFLOW_ID))
              .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }

  private static String note(String note) {
    return note == null || note.isEmpty() ? "" : " (" + note + ")";
  }

  /** The gRPC status code somewhere in the cause chain, or null. */
  public static Status.Code code(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s) {
        return s.getStatus().getCode();
      }
    }
    return null;
  }

  static String human(Duration d) {
    if (d == null) {
      return "none";
    }
    String s = d.toString().substring(2).toLowerCase();
    return s.replaceAll("(\\d)([hms])", "$1$2 ").trim().replace(".0s", "s");
  }
}
