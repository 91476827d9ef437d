-- The site counters are kept by one update of the site's row per statement on documents, not one per
-- document: a batch marks hundreds of documents completed in one statement, and the row trigger
-- updated the site's row (a new row version, a plpgsql call) once for each of them. Same counters,
-- same rule: a document contributes document_contribution(row); the site's updated_at moves when a
-- statement changed a status or the error of one of its documents; the last error is that of a
-- document whose error changed to a new one.

-- Applies the difference between the documents as they were (olds) and as they are (news). plpgsql,
-- not sql: its plan is made once a session, where an sql function's was made at every call.
CREATE FUNCTION count_documents(olds documents[], news documents[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    WITH contributions AS (
        SELECT n.subdomain, document_contribution(n) AS c, 1 AS sign FROM unnest(news) n
        UNION ALL
        SELECT o.subdomain, document_contribution(o), -1 FROM unnest(olds) o
    ), delta AS (
        SELECT subdomain,
            sum(sign * c[1]) AS d1, sum(sign * c[2]) AS d2, sum(sign * c[3]) AS d3, sum(sign * c[4]) AS d4,
            sum(sign * c[5]) AS d5, sum(sign * c[6]) AS d6, sum(sign * c[7]) AS d7, sum(sign * c[8]) AS d8,
            sum(sign * c[9]) AS d9, sum(sign * c[10]) AS d10, sum(sign * c[11]) AS d11, sum(sign * c[12]) AS d12
        FROM contributions GROUP BY subdomain
    ), errors AS (
        SELECT DISTINCT ON (n.subdomain) n.subdomain, n.error_stage, n.document_id || ': ' || n.error AS message
        FROM unnest(news) n LEFT JOIN unnest(olds) o
            ON o.subdomain = n.subdomain AND o.document_id = n.document_id
        WHERE n.error IS NOT NULL AND n.error IS DISTINCT FROM o.error
        ORDER BY n.subdomain, n.document_id DESC
    )
    UPDATE sites s SET
        ocr_total             = ocr_total + d1,
        ocr_completed         = ocr_completed + d2,
        ocr_failed            = ocr_failed + d3,
        compilation_total     = compilation_total + d4,
        compilation_completed = compilation_completed + d5,
        compilation_failed    = compilation_failed + d6,
        extraction_total      = extraction_total + d7,
        extraction_completed  = extraction_completed + d8,
        extraction_failed     = extraction_failed + d9,
        deploy_total          = deploy_total + d10,
        deploy_completed      = deploy_completed + d11,
        deploy_failed         = deploy_failed + d12,
        updated_at            = now(),
        last_error_stage      = CASE WHEN errors.subdomain IS NULL THEN last_error_stage ELSE errors.error_stage END,
        last_error_at         = CASE WHEN errors.subdomain IS NULL THEN last_error_at ELSE now() END,
        last_error_message    = CASE WHEN errors.subdomain IS NULL THEN last_error_message ELSE errors.message END
    FROM delta LEFT JOIN errors USING (subdomain)
    WHERE s.subdomain = delta.subdomain;
END
$$;

CREATE FUNCTION documents_count_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Each branch names only the transition tables its trigger has.
    IF TG_OP = 'INSERT' THEN
        PERFORM count_documents('{}', (SELECT coalesce(array_agg(n::documents), '{}') FROM new_documents n));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM count_documents((SELECT coalesce(array_agg(o::documents), '{}') FROM old_documents o), '{}');
    ELSE
        -- Most update statements on documents change no status (PDF facts, page counts): done at once.
        IF NOT EXISTS (SELECT 1 FROM new_documents n JOIN old_documents o USING (subdomain, document_id)
                WHERE (n.ocr_status, n.compilation_status, n.extraction_status, n.deploy_status, n.error)
                    IS DISTINCT FROM (o.ocr_status, o.compilation_status, o.extraction_status, o.deploy_status, o.error)) THEN
            RETURN NULL;
        END IF;
        PERFORM count_documents((SELECT coalesce(array_agg(o::documents), '{}') FROM old_documents o),
                                (SELECT coalesce(array_agg(n::documents), '{}') FROM new_documents n));
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER documents_count ON documents;
DROP FUNCTION documents_count();

-- Transition tables cannot go with a column list (UPDATE OF ...): every update statement fires, and
-- one that changed no status or error leaves the site's row alone.
CREATE TRIGGER documents_count_insert AFTER INSERT ON documents
    REFERENCING NEW TABLE AS new_documents
    FOR EACH STATEMENT EXECUTE FUNCTION documents_count_statement();
CREATE TRIGGER documents_count_update AFTER UPDATE ON documents
    REFERENCING OLD TABLE AS old_documents NEW TABLE AS new_documents
    FOR EACH STATEMENT EXECUTE FUNCTION documents_count_statement();
CREATE TRIGGER documents_count_delete AFTER DELETE ON documents
    REFERENCING OLD TABLE AS old_documents
    FOR EACH STATEMENT EXECUTE FUNCTION documents_count_statement();
