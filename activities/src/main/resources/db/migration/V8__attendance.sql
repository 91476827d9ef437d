-- Who attended a meeting, as its minutes' roll call lists them (extraction): present, absent, or
-- sending regrets (apologies, excused). Replaced per document in the extraction transaction.
CREATE TABLE attendance (
    subdomain    TEXT NOT NULL,
    document_id  TEXT NOT NULL,
    seq          INTEGER NOT NULL,               -- order in the minutes
    name         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('present', 'absent', 'regrets')),
    PRIMARY KEY (subdomain, document_id, seq),
    FOREIGN KEY (subdomain, document_id) REFERENCES documents (subdomain, document_id) ON DELETE CASCADE
);
