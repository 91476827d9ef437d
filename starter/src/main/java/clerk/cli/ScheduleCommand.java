package clerk.cli;

import clerk.client.ReconciliationSchedule;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = "The reconciliation schedule (a Temporal Schedule; a cron workflow on the embedded server).",
    subcommands = {
      ScheduleCommand.Show.class,
      ScheduleCommand.Pause.class,
      ScheduleCommand.Unpause.class,
      ScheduleCommand.Trigger.class
    })
final class ScheduleCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    return ClerkCli.groupUsage(spec);
  }

  abstract static class Action implements Callable<Integer> {
    @Override
    public Integer call() {
      try (Services services = new Services(ClerkCli.settings())) {
        act(new ReconciliationSchedule(services.client(), services.settings()));
        return 0;
      }
    }

    abstract void act(ReconciliationSchedule schedule);
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "State, interval, policies, next runs.")
  static final class Show extends Action {
    @Override
    void act(ReconciliationSchedule schedule) {
      schedule.show().forEach(System.out::println);
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Stops scheduled reconciliations (e.g. when a systemd timer takes over).")
  static final class Pause extends Action {
    @Option(names = "--note", description = "why, shown by 'clerk schedule show'")
    String note = "paused with clerk schedule pause";

    @Override
    void act(ReconciliationSchedule schedule) {
      schedule.pause(note);
      System.out.println("reconciliation schedule paused");
    }
  }

  @Command(name = "unpause", mixinStandardHelpOptions = true, description = "Resumes scheduled reconciliations.")
  static final class Unpause extends Action {
    @Override
    void act(ReconciliationSchedule schedule) {
      schedule.unpause("unpaused with clerk schedule unpause");
      System.out.println("reconciliation schedule active");
    }
  }

  @Command(name = "trigger", mixinStandardHelpOptions = true,
      description = "Starts the scheduled reconciliation now, without waiting (see 'clerk reconcile-pipeline').")
  static final class Trigger extends Action {
    @Override
    void act(ReconciliationSchedule schedule) {
      schedule.trigger();
      System.out.println("reconciliation triggered: see the Temporal UI or GET /v1/reconciliation/status");
    }
  }
}
