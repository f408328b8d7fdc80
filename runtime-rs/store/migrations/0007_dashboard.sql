-- The web dashboard's reads (docs/operations.md, "The web dashboard"): the
-- instances of a (version, state), newest first. Its counts per version and
-- state and its pages of instances are each a range of this index (counts
-- capped, pages keyset-paginated on (created_at, id)), so no read of the
-- dashboard scans the table, however many instances it holds.
CREATE INDEX instances_by_version_state ON instances (version_id, state, created_at, id);
