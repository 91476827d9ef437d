-- What OCR noticed about a document's pages that an operator should look at, e.g. a scanned page that
-- read as empty (a blank scan, or an image PDFBox could not decode). Written with the document's OCR
-- result, in its transaction; a document OCRed again gets its warnings anew. Shown by `clerk status
-- SITE`, the dashboard's site page and the bundle's site.json.
CREATE TABLE page_warnings (
    subdomain    TEXT NOT NULL,
    document_id  TEXT NOT NULL,
    page         INTEGER NOT NULL CHECK (page >= 0),   -- 0: the document as a whole
    warning      TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    FOREIGN KEY (subdomain, document_id) REFERENCES documents (subdomain, document_id) ON DELETE CASCADE
);

CREATE INDEX page_warnings_document_idx ON page_warnings (subdomain, document_id, page);
