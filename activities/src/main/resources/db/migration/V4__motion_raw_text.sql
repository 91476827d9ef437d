-- The minutes' own words of a motion, from where it starts to the end of its vote: civic.band publishes
-- them with each vote as raw_text. NULL for motions extracted before this migration until the document
-- is extracted again.
ALTER TABLE motions ADD COLUMN raw_text TEXT;
