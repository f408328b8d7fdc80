-- $1 owner, $2 instance ids, $3 final states, $4 outcomes (codec JSON),
-- $5 the finished channel, told each finished instance's id.
WITH finished AS (
    UPDATE instances AS i
    SET state = b.state::instance_state, outcome = b.outcome::jsonb,
        lease_owner = NULL, lease_expires_at = NULL, wake_at = NULL, updated_at = now()
    FROM unnest($2::text[], $3::text[], $4::text[]) AS b (instance_id, state, outcome)
    WHERE i.id = b.instance_id::uuid AND i.lease_owner = $1 AND i.state = 'running'
    RETURNING i.id::text AS id
)
SELECT finished.id FROM finished CROSS JOIN LATERAL (SELECT pg_notify($5, finished.id)) AS notified
