-- A page's entities (persons, organisations, places, resolutions, ordinances, amounts) as the bundle
-- publishes them in entities_json, found once when the page is compiled rather than at every deploy
-- (finding them is most of a full deploy's work otherwise). NULL for pages compiled before this
-- migration: deploy finds those itself.
ALTER TABLE pages ADD COLUMN entities_json TEXT;
