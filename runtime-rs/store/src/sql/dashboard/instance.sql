-- $1 instance id. Everything of one instance but its log.
SELECT i.id::text AS id, i.version_id, v.name, i.state::text AS state,
    i.arguments::text AS arguments, i.outcome::text AS outcome,
    (extract(epoch FROM i.created_at) * 1000)::bigint AS created_at_ms,
    (extract(epoch FROM i.updated_at) * 1000)::bigint AS updated_at_ms,
    i.lease_owner,
    (extract(epoch FROM i.lease_expires_at) * 1000)::bigint AS lease_expires_at_ms,
    (extract(epoch FROM i.wake_at) * 1000)::bigint AS wake_at_ms,
    (SELECT seq FROM snapshots WHERE instance_id = i.id) AS snapshot_seq
FROM instances AS i JOIN workflow_versions AS v ON v.id = i.version_id
WHERE i.id = $1::uuid
