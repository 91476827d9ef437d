-- Every reconciliation run that acted (dry runs are not recorded: they write nothing). At most one run
-- is 'running' at a time: the partial unique index is the lease that keeps two runs from both acting.
-- A run that died holding it (worker killed, workflow terminated) is taken over after lease_until.

CREATE TABLE reconciliation_runs (
    id                 BIGSERIAL PRIMARY KEY,
    trigger            TEXT NOT NULL,                 -- schedule, startup, cli
    workflow_id        TEXT,
    status             TEXT NOT NULL DEFAULT 'running'
                           CHECK (status IN ('running', 'success', 'errors', 'abandoned')),
    started_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at        TIMESTAMPTZ,
    lease_until        TIMESTAMPTZ NOT NULL,
    threshold_minutes  INTEGER NOT NULL,
    dry_run            BOOLEAN NOT NULL DEFAULT FALSE,
    site               TEXT,                          -- set when the run was asked for one site
    sites_examined     INTEGER NOT NULL DEFAULT 0,
    sites_repaired     INTEGER NOT NULL DEFAULT 0,
    sites_signalled    INTEGER NOT NULL DEFAULT 0,
    sites_restarted    INTEGER NOT NULL DEFAULT 0,
    sites_all_failed   INTEGER NOT NULL DEFAULT 0,
    details            JSONB NOT NULL DEFAULT '[]'::jsonb,  -- one object per site: before, after, repairs, action
    errors             JSONB NOT NULL DEFAULT '[]'::jsonb
);

CREATE UNIQUE INDEX reconciliation_runs_one_running ON reconciliation_runs ((TRUE)) WHERE status = 'running';
CREATE INDEX reconciliation_runs_started_idx ON reconciliation_runs (started_at DESC);
