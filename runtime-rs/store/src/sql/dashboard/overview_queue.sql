-- $1 the most counted. The instances a leaser may take now (queued, a timer
-- due, a lease run out) and since when the oldest of them waits: both read
-- the partial index instances_runnable, the count at most $1 entries of it.
SELECT
    (SELECT count(*) FROM (
        SELECT 1 FROM instances WHERE runnable_at <= now() LIMIT $1
    ) AS runnable) AS runnable_now,
    (SELECT (extract(epoch FROM min(runnable_at)) * 1000)::bigint
        FROM instances WHERE runnable_at <= now()) AS oldest_runnable_ms,
    (extract(epoch FROM now()) * 1000)::bigint AS now_ms,
    (SELECT count(*) FROM workflow_versions) AS versions
