-- Living sites: what reconciliation compares the disk with on every run, an end state for a site that
-- needs an operator, and each run's per-site report in a table of its own (paged, never one payload).

-- 'failed': every document failed a stage. Not 'completed', and not stuck either: nothing will move
-- until an operator replaces the PDFs or runs 'clerk retry'.
ALTER TABLE sites DROP CONSTRAINT sites_current_stage_check;
ALTER TABLE sites ADD CONSTRAINT sites_current_stage_check
    CHECK (current_stage IN ('ocr', 'compilation', 'extraction', 'deploy', 'completed', 'failed'));

-- The storage tree's fingerprint (names, sizes and mtimes of every file under pdfs/ and txt/) when
-- reconciliation last made the database agree with it: an unchanged site costs one directory walk.
ALTER TABLE sites ADD COLUMN storage_fingerprint TEXT;
ALTER TABLE sites ADD COLUMN storage_checked_at TIMESTAMPTZ;
-- What the last scan of the site's folder had to skip (misnamed files, files in the wrong place).
ALTER TABLE sites ADD COLUMN storage_problems JSONB NOT NULL DEFAULT '[]'::jsonb;

-- The document's PDF as it was when registered or last read by OCR, and the size of the text OCR
-- wrote: a PDF replaced by other content, or a page file truncated or deleted, shows as a difference.
-- NULL for rows from before this migration until reconciliation records them.
ALTER TABLE documents ADD COLUMN pdf_size BIGINT;
ALTER TABLE documents ADD COLUMN pdf_mtime BIGINT;           -- milliseconds since the epoch
ALTER TABLE documents ADD COLUMN pdf_sha256 TEXT;            -- of the file OCR read
ALTER TABLE documents ADD COLUMN text_bytes BIGINT;          -- sum of the page files' sizes

-- Dry runs are recorded too (their per-site report is read like any other); only acting runs hold
-- the lease. A run remembers its Temporal run, so a retry of its own start is recognised and a lease
-- whose workflow is no longer running is taken over at once.
DROP INDEX reconciliation_runs_one_running;
CREATE UNIQUE INDEX reconciliation_runs_one_running ON reconciliation_runs ((TRUE))
    WHERE status = 'running' AND NOT dry_run;
ALTER TABLE reconciliation_runs ADD COLUMN temporal_run_id TEXT;
-- Sites whose disk and database were compared (every registered site); sites_examined counts those
-- that needed more than the comparison (a finding, an action, an error).
ALTER TABLE reconciliation_runs ADD COLUMN sites_scanned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reconciliation_runs ADD COLUMN sites_errors INTEGER NOT NULL DEFAULT 0;

-- One row per site a run examined: why, what it found and repaired, what it did about the pipeline.
CREATE TABLE reconciliation_sites (
    run_id       BIGINT NOT NULL REFERENCES reconciliation_runs (id) ON DELETE CASCADE,
    subdomain    TEXT NOT NULL,
    action       TEXT NOT NULL,
    repaired     BOOLEAN NOT NULL,
    report       JSONB NOT NULL,
    PRIMARY KEY (run_id, subdomain)
);
