-- Search of a word on many pages ranks the newest matches (PageSearch): found by walking the pages
-- newest first, across sites or within one.
CREATE INDEX pages_date_idx ON pages (date);
CREATE INDEX pages_site_date_idx ON pages (subdomain, date);
