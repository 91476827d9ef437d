-- A site's state: document-level counters per stage. The counters are never written by application
-- code: the trigger below keeps them equal to an aggregate over `documents`, in the same transaction
-- as the document's status change, so a retried or repeated activity can never count a document twice.

CREATE TABLE sites (
    subdomain              TEXT PRIMARY KEY,
    name                   TEXT NOT NULL DEFAULT '',
    state                  TEXT,
    current_stage          TEXT CHECK (current_stage IN ('ocr', 'compilation', 'extraction', 'deploy', 'completed')),
    ocr_total              INTEGER NOT NULL DEFAULT 0,
    ocr_completed          INTEGER NOT NULL DEFAULT 0,
    ocr_failed             INTEGER NOT NULL DEFAULT 0,
    compilation_total      INTEGER NOT NULL DEFAULT 0,
    compilation_completed  INTEGER NOT NULL DEFAULT 0,
    compilation_failed     INTEGER NOT NULL DEFAULT 0,
    extraction_total       INTEGER NOT NULL DEFAULT 0,
    extraction_completed   INTEGER NOT NULL DEFAULT 0,
    extraction_failed      INTEGER NOT NULL DEFAULT 0,
    deploy_total           INTEGER NOT NULL DEFAULT 0,
    deploy_completed       INTEGER NOT NULL DEFAULT 0,
    deploy_failed          INTEGER NOT NULL DEFAULT 0,
    -- true while the site's pipeline workflow has been started and has not finished
    coordinator_enqueued   BOOLEAN NOT NULL DEFAULT FALSE,
    note                   TEXT,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at             TIMESTAMPTZ,
    completed_at           TIMESTAMPTZ,
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error_stage       TEXT,
    last_error_message     TEXT,
    last_error_at          TIMESTAMPTZ,
    CONSTRAINT subdomain_format CHECK (subdomain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$'),
    CONSTRAINT ocr_counts CHECK (ocr_completed >= 0 AND ocr_failed >= 0 AND ocr_completed + ocr_failed <= ocr_total),
    CONSTRAINT compilation_counts CHECK (compilation_completed >= 0 AND compilation_failed >= 0
        AND compilation_completed + compilation_failed <= compilation_total),
    CONSTRAINT extraction_counts CHECK (extraction_completed >= 0 AND extraction_failed >= 0
        AND extraction_completed + extraction_failed <= extraction_total),
    CONSTRAINT deploy_counts CHECK (deploy_completed >= 0 AND deploy_failed >= 0
        AND deploy_completed + deploy_failed <= deploy_total)
);

CREATE INDEX sites_stage_updated_idx ON sites (current_stage, updated_at);

-- One row per document (a PDF). A stage's status only counts once the previous stage completed.
CREATE TABLE documents (
    subdomain            TEXT NOT NULL REFERENCES sites (subdomain) ON DELETE CASCADE,
    document_id          TEXT NOT NULL,          -- {kind}/{meeting}/{date}
    kind                 TEXT NOT NULL CHECK (kind IN ('minutes', 'agendas')),
    meeting              TEXT NOT NULL,
    date                 TEXT NOT NULL,
    pages                INTEGER,
    ocr_method           TEXT,                   -- e.g. "3 text layer, 2 tesseract"
    ocr_status           TEXT NOT NULL DEFAULT 'pending' CHECK (ocr_status IN ('pending', 'completed', 'failed')),
    compilation_status   TEXT NOT NULL DEFAULT 'pending' CHECK (compilation_status IN ('pending', 'completed', 'failed')),
    extraction_status    TEXT NOT NULL DEFAULT 'pending' CHECK (extraction_status IN ('pending', 'completed', 'failed')),
    deploy_status        TEXT NOT NULL DEFAULT 'pending' CHECK (deploy_status IN ('pending', 'completed', 'failed')),
    error_stage          TEXT,
    error                TEXT,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    ocr_at               TIMESTAMPTZ,
    compilation_at       TIMESTAMPTZ,
    extraction_at        TIMESTAMPTZ,
    deploy_at            TIMESTAMPTZ,
    PRIMARY KEY (subdomain, document_id)
);

-- The site counters one document contributes: 12 numbers, in the order of the sites columns.
CREATE FUNCTION document_contribution(d documents) RETURNS INTEGER[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY[
        1,
        (d.ocr_status = 'completed')::int,
        (d.ocr_status = 'failed')::int,
        (d.ocr_status = 'completed')::int,
        (d.ocr_status = 'completed' AND d.compilation_status = 'completed')::int,
        (d.ocr_status = 'completed' AND d.compilation_status = 'failed')::int,
        (d.ocr_status = 'completed' AND d.compilation_status = 'completed')::int,
        (d.ocr_status = 'completed' AND d.compilation_status = 'completed' AND d.extraction_status = 'completed')::int,
        (d.ocr_status = 'completed' AND d.compilation_status = 'completed' AND d.extraction_status = 'failed')::int,
        (d.ocr_status = 'completed' AND d.compilation_status = 'completed' AND d.extraction_status = 'completed')::int,
        (d.ocr_status = 'completed' AND d.compilation_status = 'completed' AND d.extraction_status = 'completed'
            AND d.deploy_status = 'completed')::int,
        (d.ocr_status = 'completed' AND d.compilation_status = 'completed' AND d.extraction_status = 'completed'
            AND d.deploy_status = 'failed')::int
    ]
$$;

CREATE FUNCTION documents_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta INTEGER[] := ARRAY[0,0,0,0,0,0,0,0,0,0,0,0];
    o INTEGER[];
    n INTEGER[];
    site TEXT;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        o := document_contribution(OLD);
        site := OLD.subdomain;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        n := document_contribution(NEW);
        site := NEW.subdomain;
    END IF;
    FOR i IN 1..12 LOOP
        delta[i] := coalesce(n[i], 0) - coalesce(o[i], 0);
    END LOOP;
    UPDATE sites SET
        ocr_total             = ocr_total + delta[1],
        ocr_completed         = ocr_completed + delta[2],
        ocr_failed            = ocr_failed + delta[3],
        compilation_total     = compilation_total + delta[4],
        compilation_completed = compilation_completed + delta[5],
        compilation_failed    = compilation_failed + delta[6],
        extraction_total      = extraction_total + delta[7],
        extraction_completed  = extraction_completed + delta[8],
        extraction_failed     = extraction_failed + delta[9],
        deploy_total          = deploy_total + delta[10],
        deploy_completed      = deploy_completed + delta[11],
        deploy_failed         = deploy_failed + delta[12],
        updated_at            = now(),
        last_error_stage      = CASE WHEN TG_OP <> 'DELETE' AND NEW.error IS NOT NULL
                                      AND NEW.error IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.error END)
                                     THEN NEW.error_stage ELSE last_error_stage END,
        last_error_at         = CASE WHEN TG_OP <> 'DELETE' AND NEW.error IS NOT NULL
                                      AND NEW.error IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.error END)
                                     THEN now() ELSE last_error_at END,
        last_error_message    = CASE WHEN TG_OP <> 'DELETE' AND NEW.error IS NOT NULL
                                      AND NEW.error IS DISTINCT FROM (CASE WHEN TG_OP = 'UPDATE' THEN OLD.error END)
                                     THEN NEW.document_id || ': ' || NEW.error ELSE last_error_message END
    WHERE subdomain = site;
    RETURN NULL;
END
$$;

CREATE TRIGGER documents_count
    AFTER INSERT OR DELETE OR UPDATE OF ocr_status, compilation_status, extraction_status, deploy_status, error
    ON documents FOR EACH ROW EXECUTE FUNCTION documents_count();

-- Compilation: every page's text, searchable.
CREATE TABLE pages (
    subdomain    TEXT NOT NULL,
    document_id  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    meeting      TEXT NOT NULL,
    date         TEXT NOT NULL,
    page         INTEGER NOT NULL CHECK (page >= 1),
    text         TEXT NOT NULL,
    tsv          tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
    PRIMARY KEY (subdomain, document_id, page),
    FOREIGN KEY (subdomain, document_id) REFERENCES documents (subdomain, document_id) ON DELETE CASCADE
);

CREATE INDEX pages_tsv_idx ON pages USING GIN (tsv);

-- Extraction: motions and their votes, per page.
CREATE TABLE motions (
    subdomain    TEXT NOT NULL,
    document_id  TEXT NOT NULL,
    page         INTEGER NOT NULL,
    seq          INTEGER NOT NULL,               -- order of the motion within the document
    motion       TEXT NOT NULL,
    mover        TEXT,
    seconder     TEXT,
    result       TEXT,                           -- carried, failed, or NULL when the text does not say
    ayes         INTEGER,
    nays         INTEGER,
    abstain      INTEGER,
    absent       INTEGER,
    votes        JSONB NOT NULL DEFAULT '{}'::jsonb, -- names by vote: {"ayes": [...], "nays": [...], ...}
    PRIMARY KEY (subdomain, document_id, seq),
    FOREIGN KEY (subdomain, document_id) REFERENCES documents (subdomain, document_id) ON DELETE CASCADE
);
