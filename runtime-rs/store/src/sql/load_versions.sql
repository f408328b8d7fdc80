-- $1 version ids.
SELECT id, name, ir_hash, rrl_text FROM workflow_versions WHERE id = ANY ($1::bigint[])
