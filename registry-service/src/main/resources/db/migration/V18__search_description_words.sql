-- Search matches descriptions by their words (SearchService). The words are stored with the row,
-- so that checking a candidate row (every row a name index proposes is checked against the whole
-- condition, the description included) reads them instead of parsing the description again: at
-- 100 000 repositories a substring search checked some 11 000 candidates, and parsing their
-- descriptions was most of its time. Same words as the expression index this replaces ('simple').
ALTER TABLE repository ADD COLUMN description_words TSVECTOR
    GENERATED ALWAYS AS (to_tsvector('simple', coalesce(description, ''))) STORED;
CREATE INDEX repository_description_words ON repository USING gin (description_words);
DROP INDEX repository_description_fts;
