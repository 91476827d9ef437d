-- Which PDF a document's page images were rendered from (its sha256, or size/mtime for older rows), or
-- 'failed:' and that identity when they could not be: a document whose PDF differs has its images
-- rendered (again). NULL: none rendered yet.
ALTER TABLE documents ADD COLUMN images_from TEXT;
