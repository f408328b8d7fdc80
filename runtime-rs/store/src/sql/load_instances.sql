-- $1 instance ids.
SELECT id::text AS id, version_id, arguments::text AS arguments, state::text AS state,
    snapshot_seq, snapshot_state::text AS snapshot_state,
    seqs, operation_ids, attempts, completions
FROM instance_records
WHERE id = ANY ($1::uuid[])
